# Every dependency comes from a Debian package; scripts/setup-deps installs them.
find_package(zydis REQUIRED)            # libzydis-dev: decoder
find_package(PkgConfig REQUIRED)
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)   # libcapstone-dev
find_package(CLI11 REQUIRED)            # libcli11-dev
find_package(xbyak REQUIRED)            # libxbyak-dev
find_program(NASM_EXECUTABLE nasm REQUIRED)
if(VP_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)       # catch2 (v2)
  include(Catch)
endif()
if(VP_BUILD_BENCH)
  find_package(benchmark REQUIRED)      # libbenchmark-dev
endif()

# vp_nasm_bin(OUT SRC [DEFINES...]): assemble SRC as a flat binary at build time.
function(vp_nasm_bin out src)
  get_filename_component(dir ${src} DIRECTORY)
  set(defs)
  foreach(d ${ARGN})
    list(APPEND defs -D${d})
  endforeach()
  # Files under the source's include/ directory (guest tests share them) are dependencies.
  file(GLOB incs CONFIGURE_DEPENDS ${dir}/include/*.inc ${dir}/*.inc)
  add_custom_command(OUTPUT ${out}
    COMMAND ${NASM_EXECUTABLE} -f bin -I${dir}/ ${defs} -o ${out} ${src}
    DEPENDS ${src} ${incs}
    COMMENT "nasm ${src}"
    VERBATIM)
endfunction()

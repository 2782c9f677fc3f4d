# VP_SANITIZE=ON builds everything with ASan + UBSan; any UB report aborts the test.
if(VP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# vp_warnings: an interface target every project target links to get the warning set.
add_library(vp_warnings INTERFACE)
target_compile_options(vp_warnings INTERFACE -Wall -Wextra -Wshadow=local -Wno-missing-field-initializers)
if(VP_WERROR)
  target_compile_options(vp_warnings INTERFACE -Werror)
endif()

# VP_SANITIZE=ON builds everything with ASan + UBSan; any UB report aborts the test.
if(VP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (<regex>, <functional>)
  # once ASan instruments them; the normal build keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
endif()

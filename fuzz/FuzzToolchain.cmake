# Included by the top CMakeLists.txt when OA_FUZZ is on, before any target is made: stops unless
# the compiler is clang with libFuzzer's runtime, then instruments everything this build compiles
# (the core library the harnesses link against included) for libFuzzer, ASan and UBSan.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
        "OA_FUZZ=ON needs clang: libFuzzer is part of clang, and this build folder uses "
        "${CMAKE_CXX_COMPILER_ID} (${CMAKE_CXX_COMPILER}). Configure a fresh folder with "
        "-DCMAKE_CXX_COMPILER=clang++, as scripts/fuzz.sh does (Debian: apt-get install clang libclang-rt-14-dev).")
endif()

include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer,address,undefined")
check_cxx_source_compiles([[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
]] OA_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT OA_HAVE_LIBFUZZER)
    message(FATAL_ERROR
        "OA_FUZZ=ON: ${CMAKE_CXX_COMPILER} cannot link a libFuzzer harness with ASan and UBSan: "
        "the sanitizer and libFuzzer runtimes are missing (Debian: apt-get install libclang-rt-14-dev). "
        "See CMakeFiles/CMakeError.log.")
endif()

# fuzzer-no-link: coverage for libFuzzer in every object; the harnesses alone link its main.
# A check that fails aborts at once (no UBSan recovery), so that libFuzzer saves the input.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
add_link_options(-fsanitize=address,undefined)

# Two warnings that gcc, the project's compiler, does not give are off here, not errors:
# Qt's own qCInfo(category) << … leaves its variadic macro's "..." empty, which clang's
# -Wpedantic calls a GNU extension (C++20 allows it); the code is clean otherwise.
# And clang (not gcc) warns about private fields that only the Windows seams use (#ifdef Q_OS_WIN).
add_compile_options(-Wno-gnu-zero-variadic-macro-arguments -Wno-unused-private-field)

# Conveniences around the scripts; the README's two commands are scripts/start and scripts/test.
SOURCES := $(shell git ls-files '*.cpp' '*.h')

.PHONY: start test bench format format-check lint

start:
	scripts/start

test:
	scripts/test

bench:
	bench/run

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

lint:
	cmake -S . -B build-lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DLENACARE_BUILD_BENCH=OFF >/dev/null
	clang-tidy -p build-lint --quiet $(filter src/%.cpp,$(SOURCES))

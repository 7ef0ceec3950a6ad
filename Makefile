# The README's two commands are `make demo` and `make test`; everything else supports them.
PY      := .venv/bin/python
SASARAN := .venv/bin/sasaran
STAMP   := .venv/.installed

# The tests that run on a local Citus cluster (make test-citus; CI runs it after make test).
CITUS_TESTS := tests/citus

.PHONY: demo demo-citus test setup lint bench bench-1m bench-10m samples clean-db citus test-citus

# The sample city is Bontang (Kalimantan Timur, WITA): its dates and times in its own zone,
# unless the caller's environment names another.
demo demo-citus: export SASARAN_TIMEZONE ?= Asia/Makassar
demo: setup ## install what is missing, start PostGIS, load the samples, serve the map
	$(SASARAN) db up --no-citus
	$(SASARAN) migrate
	$(SASARAN) demo-load
	$(SASARAN) serve

demo-citus: citus ## the same demo on a local Citus cluster (coordinator + 2 workers, docs/scale.md)
	$(SASARAN) db up --citus --workers 2
	$(SASARAN) migrate
	$(SASARAN) demo-load
	$(SASARAN) serve

test: setup ## lint, type-check, and run the whole test suite on a real PostGIS
	.venv/bin/ruff check app geo tests bench data/samples
	.venv/bin/mypy
	.venv/bin/pytest

setup: $(STAMP)

citus: setup ## build and install Citus from ../shared/vendor when the server lacks it
	bash scripts/citus.sh

test-citus: citus ## the distributed tests, on a local Citus cluster (coordinator + 2 workers)
	SASARAN_TEST_CITUS=1 .venv/bin/pytest -m "not browser" $(CITUS_TESTS)

$(STAMP): pyproject.toml scripts/setup.sh scripts/vendor_assets.sh
	bash scripts/setup.sh
	touch $(STAMP)

samples: setup
	$(PY) data/samples/generate.py

bench: setup
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# The scale benchmarks of docs/performance.md on the Kalimantan Timur data set (built once under
# bench/out/, ~3 GB at 1 M, ~30 GB at 10 M), at low priority: the machine is shared.
SCALE_BENCH := nice -n 15 ionice -c3 $(PY)
bench-1m bench-10m: bench-%: setup
	$(SCALE_BENCH) bench/dataset.py --households $(SIZE_$*)
	$(SCALE_BENCH) bench/bench_tiles.py --households $(SIZE_$*)
	$(SCALE_BENCH) bench/bench_figures.py --households $(SIZE_$*)
	$(SCALE_BENCH) bench/bench_panel.py --households $(SIZE_$*)
	$(SCALE_BENCH) bench/bench_load.py --households $(SIZE_$*)
	$(SCALE_BENCH) bench/bench_import.py --rows $(SIZE_$*) --repeat 3 --import-only
	$(SCALE_BENCH) bench/bench_import.py --rows 10000 --repeat 5 --import-only
	$(SCALE_BENCH) bench/bench_rebuild.py --households $(SIZE_$*) $(REBUILD_$*)
SIZE_1m := 1000000
SIZE_10m := 10000000
# The old path (a recount of every touched kelurahan) takes ~13 min per turn at 10 M: once.
REBUILD_1m := --repeat 3
REBUILD_10m := --repeat 2 --recount-turns 1

clean-db:
	-$(SASARAN) db down
	rm -rf .sasaran

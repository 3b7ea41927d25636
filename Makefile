# Karier ASN Marelan — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: run test serve setup venv vendor translations messages db seed lint format bench screenshots clean

run: setup db ## Set up everything, seed demo data on an empty database, serve on 127.0.0.1:$(PORT)
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup ## Set up everything and run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

serve: setup db ## Production-style: gunicorn with the config in deploy/
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py "app:create_app()"

setup: venv vendor translations

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

vendor: static/vendor/htmx.min.js
static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	mkdir -p static/vendor/fonts
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf node_modules/dejavu-fonts-ttf/LICENSE static/vendor/fonts/

translations: venv
	$(BIN)/pybabel compile -D "messages wtforms" -d translations >/dev/null

messages: venv ## Extract UI strings and update the catalogs
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --ignore-dirs=".venv node_modules tests migrations .git" -o translations/messages.pot . >/dev/null
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations >/dev/null

db: venv translations
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup ## Benchmarks on the large data set (needs wrk: apt-get install wrk); writes docs/benchmarks.md
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(BIN)/python scripts/bench.py --notes docs/benchmarks-notes.md $(BENCH_ARGS)

screenshots: setup
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules static/vendor

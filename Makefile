# Backstride: the two commands a newcomer needs are `make run` and `make test`.
# Both create the virtualenv and train the model when needed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
BIN         := $(VENV)/bin
PY          := $(BIN)/python
RASA        := $(BIN)/rasa
MODEL       := models/backstride.tar.gz
STAMP       := $(VENV)/.installed

export RASA_PORT       ?= 5005
export ACTIONS_PORT    ?= 5055
export DATABASE_URL    ?= sqlite:///var/backstride.db
# The action server answers only on loopback; only RASA_PORT may face users.
export SANIC_HOST      ?= 127.0.0.1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL   := 2
export PYTHONWARNINGS         ?= ignore::DeprecationWarning
export TQDM_DISABLE           ?= 1

WEBCHAT     := web/node_modules/rasa-webchat/lib/index.js
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help install train run shell validate test test-unit test-nlu test-stories test-e2e test-browser test-postgres test-replicas test-load test-scale migrate browser eval bench profile clean

help:
	@echo "make run    - start the assistant (REST, socketio, HTTP API on port $(RASA_PORT))"
	@echo "make test   - run every test (validate, train, unit, NLU gate, stories, vignettes)"
	@echo "make shell  - chat with the assistant in this terminal"
	@echo "make eval   - play the simulated runners in tests/vignettes (and ../shared/vignettes when beside the clone)"
	@echo "make bench  - print speed and memory figures beside a plain Rasa bot (about 20 min; BENCH_ARGS=--no-train is quicker)"
	@echo "make profile - where a turn's time goes: py-spy on both servers while the dev runners play (docs/performance.md)"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || "$$(scripts/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Rasa's own fingerprinting keeps the model when nothing it depends on changed;
# make only calls it when a training input is newer than the model.
$(MODEL): $(STAMP) $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name backstride --out models --num-threads 2 --quiet
	@touch $@

train: $(MODEL)

# The web widget's bundle (rasa-webchat, pinned in web/package-lock.json), served locally.
$(WEBCHAT): web/package.json web/package-lock.json
	npm ci --prefix web --ignore-scripts --no-audit --no-fund
	@touch $@

# Debian's chromium and chromedriver, for the browser test (installed only when missing).
browser:
	scripts/install_browser.sh

validate: $(STAMP)
	scripts/validate.sh

run: $(MODEL) $(WEBCHAT)
	@scripts/run.sh

shell: $(MODEL)
	@scripts/run.sh shell

test-unit: $(STAMP) $(WEBCHAT)
	$(PY) -m pytest -q -m "not server and not postgres and not replicas and not load"

test-nlu: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/holdout.yml --out results/nlu --quiet
	$(PY) scripts/nlu_gate.py results/nlu

# Our tables and the tracker-store erasure against a real PostgreSQL on loopback.
test-postgres: $(MODEL)
	scripts/postgres.sh run -- $(PY) -m pytest -q -m postgres

# Two Rasa replicas and the action server on one PostgreSQL tracker store and one Redis lock
# store, all on loopback (docs/deployment.md): a conversation split across the replicas stays
# whole (test-replicas), and 50 simulated runners at once all get their level (test-load).
# test-scale runs both on one start of the servers, the slow part.
SCALE_PG_PORT ?= 5434
SCALE_TEST := PG_PORT=$(SCALE_PG_PORT) scripts/postgres.sh run -- scripts/redis.sh run -- \
  env TEST_MODEL=$(MODEL) $(PY) -m pytest -q -s --timeout=900 tests/scale tests/store/test_redis_lock.py

test-replicas: $(MODEL)
	$(SCALE_TEST) -m replicas

test-load: $(MODEL)
	$(SCALE_TEST) -m load

test-scale: $(MODEL)
	$(SCALE_TEST) -m "replicas or load"

# Apply our schema migrations (Alembic) to DATABASE_URL.
migrate: $(STAMP)
	$(PY) -m backstride.store.migrate "$(DATABASE_URL)"

# Rasa replays the stories' own events: no action server is needed here.
test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/stories --quiet
	$(PY) scripts/story_gate.py results/stories/story_report.json

# Whole conversations against real servers (REST + tracker API).
test-e2e: $(MODEL) $(WEBCHAT) browser
	scripts/with_servers.sh all -- $(PY) -m pytest -q -m server

test-browser: $(MODEL) $(WEBCHAT) browser
	scripts/with_servers.sh all -- $(PY) -m pytest -q -m browser

# Every part gated on its own (tests/vignettes/real/README.md): our and the shared simulated
# runners at 100 % exact, real runners' stories at 95 % (dev) and 90 % (held-out); for all:
# no under-triage, every plain emergency opener escalated at once, at most 2 % of runners below
# emergency sent to an emergency number, at most 3 % redundant questions, at most 8 turns.
eval: $(MODEL)
	scripts/with_servers.sh all -- $(PY) scripts/eval_vignettes.py --report results/eval.json --jobs 2 --by-part \
	  --min-exact 100 --min-exact-for real-dev=95 --min-exact-for real-heldout=90 \
	  --max-redundant 3 --max-told-emergency 2 --max-mean-turns 8

test: validate $(MODEL) test-unit test-postgres test-scale test-nlu test-stories test-e2e eval
	@echo "make test: all checks passed"

bench: $(MODEL)
	$(PY) scripts/bench_reader.py
	$(PY) scripts/bench_parse.py --model $(MODEL)
	$(PY) scripts/bench_compare.py --model $(MODEL) --report results/bench.json $(BENCH_ARGS)

# Where a turn's time goes: py-spy on both servers while dev.yml plays (docs/performance.md).
profile: $(MODEL)
	scripts/profile.sh

clean:
	-scripts/postgres.sh stop
	-PG_PORT=$(SCALE_PG_PORT) scripts/postgres.sh stop
	-scripts/redis.sh stop
	rm -rf models results var .pytest_cache

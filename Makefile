# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make console AS=lisi` picks the guide; AS is also make's built-in name for the assembler.
ifeq ($(origin AS),default)
AS :=
endif

.PHONY: install run test bench console admin migrations

$(BIN)/guidebot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/guidebot

run: install  ## install into .venv, migrate and serve on SQLite + embedded Redis (var/)
	$(BIN)/guidebot serve

test: install  ## the whole suite (set GUIDEBOT_TEST_DATABASE_URL / GUIDEBOT_TEST_REDIS_URL for servers)
	$(BIN)/pytest

bench: install  ## throughput and latency figures, printed (not a test)
	$(BIN)/python -m tests.bench.callbacks
	$(BIN)/python -m tests.bench.tasks
	$(BIN)/python -m tests.bench.boards
	$(BIN)/python -m tests.bench.digest
	$(BIN)/python -m tests.bench.task_form

console: install  ## chat with the bot as a guide, without WeCom (AS=userid picks the guide)
	$(BIN)/python -m bot.console $(if $(AS),--as $(AS))

admin: install  ## make a console administrator: make admin NAME=you (asks for the password twice)
	$(BIN)/guidebot create-admin $(or $(NAME),admin)

migrations: install  ## write a migration after changing models
	$(BIN)/tortoise -c config.db.TORTOISE_ORM makemigrations guidebot

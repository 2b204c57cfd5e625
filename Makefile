# `make run`: install, migrate, load demo data, serve on SQLite at http://127.0.0.1:5000
# `make test`: install the test tools, lint, run every test (PostgreSQL too with TEST_DATABASE_URL)
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run test lint serve clean-instance

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

run: $(STAMP) instance/secret_key
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app demo-data
	@echo "打开 http://$(HOST):$(PORT)/ 用上面的演示账户登录（Ctrl+C 停止）"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/gunicorn --workers 4 --bind $(HOST):$(PORT) 'app:create_app()'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# `make run`: install, migrate, load demo data, serve on SQLite at http://127.0.0.1:5000 and run
#             the job worker beside it
# `make test`: install the test tools, lint, run every test (PostgreSQL too with TEST_DATABASE_URL)
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run test lint serve worker clean-instance

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Printed documents (PDF) need a CJK font; their tests read PDFs with poppler (pdftotext).
.PHONY: fonts
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q . && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk poppler-utils; \
	else \
		echo "警告：未找到中文字体或 poppler-utils，PDF 文书中的中文无法显示、相关测试将跳过。" >&2; \
		echo "      请以 root 运行：apt-get install fonts-noto-cjk poppler-utils" >&2; \
	fi

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
.PHONY: chromium
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "警告：未找到 chromium，浏览器端到端测试将跳过（root 可运行 apt-get install chromium）。" >&2; \
	fi

# The load benchmark drives gunicorn with wrk (Debian package), on loopback only.
.PHONY: wrk bench-load
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	else \
		echo "需要 wrk：请以 root 运行 apt-get install wrk" >&2; exit 1; \
	fi

bench-load: $(STAMP) wrk
	$(BIN)/python bench/load_bench.py $(BENCH_ARGS)

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

# The job worker runs beside the web server and stops with it (no REDIS_URL: its queue is an
# SQLite file under instance/, nothing else to install).
run: $(STAMP) instance/secret_key fonts
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app demo-data
	@echo "打开 http://$(HOST):$(PORT)/ 用上面的演示账户登录（Ctrl+C 停止）"
	$(BIN)/flask --app app worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/gunicorn --workers 4 --timeout 90 --bind $(HOST):$(PORT) 'app:create_app()'

# Production's job worker (beside `make serve`): REDIS_URL set on every node and worker.
worker: $(STAMP)
	$(BIN)/flask --app app worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) fonts chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

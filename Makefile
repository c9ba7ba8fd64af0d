# spamintel — the two commands a fresh machine needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out

.PHONY: install ipdata demo test bench bench-accuracy lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(MAKE) --no-print-directory ipdata
	touch $(STAMP)

# IPv4 -> country table (ip-location-db, CC BY 4.0) from the npm registry; optional:
# without it reports show AS numbers but no countries.
COUNTRY_CSV := .cache/ipdata/geo-whois-asn-country-ipv4-num.csv
ipdata: $(COUNTRY_CSV)
$(COUNTRY_CSV):
	@mkdir -p .cache/ipdata
	@cd .cache/ipdata && npm pack --silent @ip-location-db/geo-whois-asn-country@2 >/dev/null 2>&1 \
	  && tar xzf ip-location-db-geo-whois-asn-country-*.tgz --strip-components=1 \
	     package/geo-whois-asn-country-ipv4-num.csv package/NRO_LICENSE \
	  && rm -f ip-location-db-geo-whois-asn-country-*.tgz \
	  || echo "note: country table not installed (npm unreachable); reports will list no countries"

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/spamintel demo --out $(DEMO_OUT)

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Verdict accuracy on the real corpora, side by side with bogofilter, SpamAssassin and
# Rspamd's Bayes (Debian packages, installed when missing and possible), all trained on
# the same messages.
bench-accuracy: $(STAMP)
	@command -v bogofilter >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq bogofilter) \
	  || echo "note: bogofilter not installed; its rows are left out"
	@command -v sa-learn >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq spamassassin) \
	  || echo "note: SpamAssassin not installed; its rows are left out"
	@{ command -v rspamd && command -v redis-server; } >/dev/null 2>&1 \
	  || (apt-get update -qq && apt-get install -y -qq rspamd redis-server) \
	  || echo "note: Rspamd not installed; its rows are left out"
	$(BIN)/python bench/bench_accuracy.py

# Style and types: ruff over everything, mypy over the package (pyproject.toml [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(DEMO_OUT) .pytest_cache build *.egg-info

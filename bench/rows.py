"""How each benchmark's result file becomes its row of ``bench/RESULTS.md`` (``bench/report.py``).

A row is declared once per benchmark: what it measured (words), and functions of its result file
for the result, the baseline, whether the target is met. Every number comes from the file.
"""

from __future__ import annotations

from bench.result_file import Result, Row, num, yes


def _graph_write(r: Result) -> str:
    return (
        f"{num(r['writer_elements_per_s'], 0)} elements/s; rewrite of the same batches "
        f"{r.fig('rewrite_same_batches_seconds', ' s')}"
    )


def _graph_diff(r: Result) -> str:
    large = Result(r.name, r["large_run"])
    return (
        f"{num(r['large'], 0)} objects: **{large.fig('seconds', ' s')}**; growth "
        f"**{num(r['growth_10k_to_100k'], 1)}×** for 10× the objects"
    )


def _graph_query_baseline(r: Result) -> str:
    if "baseline_no_index_p50_ms" not in r.data:
        return (
            f"all bridge-over-river triplets of the state (a 10,000-row page): p50 "
            f"{r.fig('baseline_all_triplets_p50_ms', ' ms')}"
        )
    return (
        f"the same bbox query without the spatial index (every bridge of the state filtered by "
        f"the bbox): p50 {r.fig('baseline_no_index_p50_ms', ' ms')}, p99 "
        f"{r.fig('baseline_no_index_p99_ms', ' ms')} → `speedup_vs_no_index` "
        f"**{r.fig('speedup_vs_no_index', '×')}**; for reference, all "
        f"{num(r['bridge_over_river_triplets'], 0)} triplets as one page: p50 "
        f"{r.fig('baseline_all_triplets_p50_ms', ' ms', 0)}"
    )


def _ncut_baseline(r: Result) -> str:
    if "dense_all_pairs_seconds_1024" not in r.data:
        return (
            f"dense `eigh`, all 1,024 eigenpairs: {r.fig('dense_seconds_1024', ' s')}; "
            f"`torch.lobpcg` {r.fig('lobpcg_seconds_1024', ' s')}"
        )
    return (
        f"dense `scipy.linalg.eigh` of the same {r['num_vectors']} eigenpairs: 1,024 tokens "
        f"{r.fig('dense_seconds_1024', ' s', 3)}, 4,096 {r.fig('dense_seconds_4096', ' s', 2)} "
        f"→ `ratio_to_dense_1024` **{num(r['ratio_to_dense_1024'], 3)}**; `torch.lobpcg` "
        f"{r.fig('lobpcg_seconds_1024', ' s', 2)}; (all 1,024 pairs, not needed: "
        f"{r.fig('dense_all_pairs_seconds_1024', ' s', 2)})"
    )


def _jobs(r: Result) -> str:
    text = (
        f"{r['jobs']} vector jobs: 1 worker {num(r['jobs_per_min']['workers_1'], 0)} jobs/min, "
        f"2 workers {num(r['jobs_per_min']['workers_2'], 0)}"
    )
    if "imagery_jobs" in r.data:
        text += (
            f"; {r['imagery_jobs']} imagery jobs of {r['imagery_tiles_per_job']} tiles (default "
            f"model, CPU) through 1 worker {r.fig('imagery_seconds_workers_1', ' s')}, 2 workers "
            f"{r.fig('imagery_seconds_workers_2', ' s')} → `imagery_scaling_2_workers` "
            f"{r.fig('imagery_scaling_2_workers', '×', 2)}"
        )
    return text


def _jobs_baseline(r: Result) -> str:
    text = (
        f"the service function in process: {num(r['jobs_per_min']['in_process'], 0)} jobs/min → "
        f"`overhead_ratio` **{r.fig('overhead_ratio', '', 3)}**, `scaling_2_workers` "
        f"{r.fig('scaling_2_workers', '×', 2)}"
    )
    if "imagery_jobs" in r.data:
        text += (
            f"; imagery as `orthograph ingest imagery` runs it in process "
            f"{r.fig('imagery_seconds_in_process', ' s')} → `imagery_overhead_ratio` "
            f"**{r.fig('imagery_overhead_ratio', '', 2)}** (what the fan-out costs on one worker)"
        )
    return text


def _model(r: Result) -> str:
    ratio = r["overall"]["ratio_to_ceiling"]
    return (
        f"PhrDet R@50 **{num(r['overall']['phrdet']['R@50'], 3)}** = "
        f"**{num(ratio['phrdet']['R@50'], 2)}** of the ceiling "
        f"({num(r['overall']['ceiling']['R@50'], 3)}); PredCls {num(ratio['predcls']['R@50'], 2)},"
        f" SGCls {num(ratio['sgcls']['R@50'], 2)}, SGDet {num(ratio['sgdet']['R@50'], 2)} of the "
        f"ceiling"
    )


def _model_baseline(r: Result) -> str:
    rules, both = r["relation_sources"]["rules"]["overall"], r["overall"]
    phrdet, sgdet = (both[task]["R@50"] / rules[task]["R@50"] for task in ("phrdet", "sgdet"))
    return (
        f"the rules alone on the same objects: PhrDet {num(rules['phrdet']['R@50'], 3)} → head "
        f"re-scoring **{num(phrdet, 2)}×**; SGDet {num(rules['sgdet']['R@50'], 3)} → "
        f"**{num(sgdet, 2)}×**"
    )


def _model_met(r: Result) -> str:
    predcls, phrdet = (r["overall"]["ratio_to_ceiling"][t]["R@50"] for t in ("predcls", "phrdet"))
    return f"PredCls {yes(predcls >= 0.6)}, PhrDet {yes(phrdet >= 0.5)}"


def _pairs(values: dict[str, int]) -> str:
    return " / ".join(str(values[p]) for p in sorted(values))


def _change_met(r: Result) -> str:
    changed, alerts = r["changed_buildings"], r["alerts_per_pair"]
    within = [p for p in changed if changed[p] and alerts[p] <= 3 * changed[p]]
    return (
        f"F1 {yes(r['f1'] >= 0.5)}; Atlanta {yes(r['atlanta_alerts'] <= 20)}; alerts within 3× on "
        f"{len(within)} of {sum(1 for p in changed if changed[p])} pairs with changes"
    )


def _api(r: Result) -> str:
    return (
        f"triplets over HTTP p50 {r.fig('triplets_http_p50_ms', ' ms', 0)}, hierarchy p50 "
        f"{r.fig('hierarchy_http_p50_ms', ' ms', 0)}; **warm** mix, {r['clients']} clients: "
        f"{num(r['load_requests'], 0)} requests, **{num(r['load_requests_per_s'], 0)} req/s, p99 "
        f"{num(r['load_p99_ms'], 0)} ms, {r['load_errors']} errors**; **cold** mix: "
        f"{num(r['cold_requests_per_s'], 1)} req/s, p99 {num(r['cold_p99_ms'] / 1000, 1)} s, "
        f"{r['cold_errors']} errors"
    )


def _api_baseline(r: Result) -> str:
    return (
        f"the same Cypher through the driver: triplets p50 "
        f"{r.fig('triplets_cypher_p50_ms', ' ms', 0)}, hierarchy p50 "
        f"{r.fig('hierarchy_cypher_p50_ms', ' ms', 0)} → `p50_ratio_to_cypher` "
        f"**{r.fig('p50_ratio_to_cypher', '', 2)}**; the cold mix through `graphdb` alone: "
        f"**{num(r['cypher_requests_per_s'], 1)} req/s**; the release before: "
        f"{num(r['baseline_load_requests_per_s'], 1)} req/s"
    )


def _api_met(r: Result) -> str:
    errors = r["load_errors"] + r["cold_errors"]
    return (
        f"ratio {yes(r['p50_ratio_to_cypher'] <= 1.5)}, warm p99 {yes(r['load_p99_ms'] <= 1000)},"
        f" cold {yes(r['cold_requests_per_s'] >= 2 * r['baseline_load_requests_per_s'])}, "
        f"errors {yes(errors == 0)}"
    )


def _hostile_met(r: Result) -> str:
    down = max(r["neo4j_down_ms"].values())
    return yes(r["refusal_max_ms"] < r["target_refusal_ms"] and down < r["target_neo4j_down_ms"])


def _hostile_baseline(r: Result) -> str:
    levels = max(r["baseline"]["bomb_ms"], key=int)
    return (
        f"the first release's limits on a {levels}-level fragment bomb: "
        f"{num(r['baseline']['bomb_ms'][levels], 0)} ms → `bomb_speedup` "
        f"{num(r['bomb_speedup'], 0)}×"
    )


def _chaos(r: Result) -> str:
    kinds = r["faults_by_kind"]
    return (
        f"{r['faults']} faults ({kinds['child']} pool-child kills, {kinds['worker']} worker "
        f"kills, {kinds['neo4j']} Neo4j SIGKILLs, {kinds['redis']} Redis restarts): "
        f"**{r['lost']} lost, {r['duplicated']} duplicated, {r['stuck']} stuck**, "
        f"{num(r['seconds'], 0)} s"
    )


ROWS: tuple[Row, ...] = (
    Row(
        "graph_write",
        lambda r: (
            f"{r['mode']}: {num(r['objects'], 0)} objects + {num(r['relations'], 0)} relations"
        ),
        _graph_write,
        lambda r: (
            f"plain `UNWIND … CREATE`: {num(r['create_elements_per_s'], 0)}/s → `ratio_to_create` "
            f"**{r.fig('ratio_to_create', '', 2)}**"
        ),
        "≥ 0.8",
        lambda r: yes(r["ratio_to_create"] >= r["target_ratio_to_create"]),
    ),
    Row(
        "graph_query",
        lambda r: (
            f"{r['mode']}: {num(r['objects'], 0)} objects + {num(r['relations'], 0)} relations, "
            f"~{num(r['triplets_per_query_mean'], 0)} triplets per bbox"
        ),
        lambda r: (
            f"bridges-over-rivers p50 **{r.fig('p50_ms', ' ms')}**, p99 "
            f"**{r.fig('p99_ms', ' ms')}**; hierarchy p50 "
            f"{r.fig('hierarchy_p50_ms', ' ms', 0)}, p99 {r.fig('hierarchy_p99_ms', ' ms', 0)}; "
            f"block drill-down p99 {r.fig('block_drilldown_p99_ms', ' ms')}"
        ),
        _graph_query_baseline,
        "p99 ≤ 50 ms",
        lambda r: yes(r["p99_ms"] <= r["target_p99_ms"]),
    ),
    Row(
        "graph_diff",
        lambda r: f"{r['mode']}: {num(r['small'], 0)} and {num(r['large'], 0)} objects",
        _graph_diff,
        lambda r: (
            f"N log N would give {num(r['growth_if_n_log_n'], 1)}×, N² 100×; reading both states "
            f"(`export`): {num(r['large_run']['load_seconds'], 1)} s"
        ),
        "near N log N (≤ 1.5× its growth)",
        lambda r: yes(r["growth_10k_to_100k"] <= 1.5 * r["growth_if_n_log_n"]),
    ),
    Row(
        "relations",
        lambda r: (
            f"{num(r['real_objects'], 0)} real Liechtenstein objects, replicated; CPU seconds"
        ),
        lambda r: (
            f"10k: {r.fig('seconds_10k', ' s')}, 100k: {r.fig('seconds_100k', ' s')} (growth "
            f"{r.fig('growth_10k_to_100k', '×', 2)})"
        ),
        lambda r: (
            f"naive all-pairs `dwithin`: `speedup_vs_naive_10k` "
            f"**{r.fig('speedup_vs_naive_10k', '×')}** "
            f"({r.fig('speedup_vs_naive_distance_10k', '×', 0)} vs computing every distance); "
            f"geopandas `sjoin`: `ratio_to_sjoin` **{r.fig('ratio_to_sjoin', '', 2)}**"
        ),
        "≥ 50×; ≤ 1.5×",
        lambda r: (
            f"50×: {yes(r['speedup_vs_naive_10k'] >= 50)}; sjoin: {yes(r['ratio_to_sjoin'] <= 1.5)}"
        ),
    ),
    Row(
        "ncut",
        lambda r: f"eigensolve of {r['num_vectors']} pairs, real patch features",
        lambda r: (
            f"1,024 tokens **{r.fig('seconds_1024', ' s', 3)}**; 4,096 tokens "
            f"{r.fig('seconds_4096', ' s', 2)}"
        ),
        _ncut_baseline,
        "≤ 0.2 s at 1,024",
        lambda r: yes(r["seconds_1024"] <= r["target_seconds_1024"]),
    ),
    Row(
        "ingest",
        lambda r: f"{len(r['image']['inputs'])} New Brunswick 0.5 m clips, default model, CPU",
        lambda r: (
            f"**{r.fig('km2_per_min_cpu', ' km²/min', 2)}**; non-model "
            f"{num(r['non_model_seconds'], 2)} s of {num(r['wall_seconds'], 2)} s over {r['runs']} "
            f"passes; model load {num(r['model_load_seconds'], 2)} s cached, "
            f"{num(r['model_load_seconds_cold'], 1)} s in a fresh process"
        ),
        lambda r: (
            f"the model alone: total is {num(r['ratio_to_model'], 2)}× the model → "
            f"`non_model_share` **{r.fig('non_model_share', '%', 1, scale=100)}**"
        ),
        "≤ 20% outside the model",
        lambda r: yes(r["non_model_share"] <= r["target_non_model_share"]),
    ),
    Row(
        "model",
        lambda r: (
            f"the shipped model on the held-out test split, {r['overall']['images']} tiles, CPU"
        ),
        _model,
        _model_baseline,
        "PhrDet ≥ 0.5 of the ceiling, PredCls ≥ 0.6",
        _model_met,
    ),
    Row(
        "change",
        lambda r: f"{len(r['pairs'])} LEVIR-CD pairs and the Atlanta demo",
        lambda r: (
            f"building change pixel F1 **{num(r['f1'], 2)}** (precision {num(r['precision'], 2)}, "
            f"recall {num(r['recall'], 2)}; held out {num(r['f1_by_split']['held_out'], 2)}); "
            f"alerts per pair {_pairs(r['alerts_per_pair'])} against "
            f"{_pairs(r['changed_buildings'])} changed buildings; Atlanta **{r['atlanta_alerts']}**"
            f" alerts"
        ),
        lambda r: (
            f"the first release's diff: F1 {num(r['baseline']['f1'], 3)}, alerts "
            f"{_pairs(r['baseline']['alerts_per_pair'])}, Atlanta "
            f"**{r['baseline']['atlanta_alerts']}**"
        ),
        "F1 ≥ 0.5, alerts within 3× the changed buildings, Atlanta ≤ 20",
        _change_met,
    ),
    Row(
        "buildings_ood",
        lambda r: f"held-out clips {', '.join(r['pooled']['clips'])} at 1:{num(r['scale'], 0)}",
        lambda r: (
            f"pooled building IoU **{num(r['iou'], 3)}** (precision {num(r['precision'], 3)}, "
            f"recall {num(r['recall'], 3)})"
        ),
        lambda r: (
            f"the first release's model: {num(r['pooled']['baseline']['iou'], 3)} → "
            f"`ratio_to_baseline` **{num(r['ratio_to_baseline'], 2)}**"
        ),
        "≥ 0.5",
        lambda r: yes(r["iou"] >= 0.5),
    ),
    Row(
        "jobs",
        lambda r: "vector and imagery jobs through Celery workers",
        _jobs,
        _jobs_baseline,
        "overhead ≤ 10%",
        lambda r: yes(r["overhead_ratio"] <= 0.10),
    ),
    Row(
        "api",
        lambda r: (
            f"{r['mode']}: {r['graph']}; API in its own uvicorn process; latencies over sweeps, "
            f"each load mix one run"
        ),
        _api,
        _api_baseline,
        "≤ 1.5×; warm p99 ≤ 1 s; cold ≥ 2× the release before; 0 errors",
        _api_met,
    ),
    Row(
        "api_hostile",
        lambda r: f"{r['documents']} hostile GraphQL documents, served API",
        lambda r: (
            f"refusals median **{num(r['refusal_p50_ms'], 1)} ms**, slowest "
            f"**{num(r['refusal_max_ms'], 1)} ms**; with Neo4j gone: "
            + ", ".join(f"{k} {num(v, 1)} ms" for k, v in r["neo4j_down_ms"].items())
        ),
        _hostile_baseline,
        "refusal < 100 ms; Neo4j down answered < 2 s",
        _hostile_met,
    ),
    Row(
        "finish_memory",
        lambda r: (
            f"{num(r['mosaic_px'][0], 0)} × {num(r['mosaic_px'][1], 0)} px mosaic, "
            f"{num(r['tiles'], 0)} stored tile results, {num(r['pieces'], 0)} pieces"
        ),
        lambda r: (
            f"finish-step peak RSS **{num(r['streamed']['peak_rss_mib'], 0)} MiB** "
            f"({num(r['streamed']['seconds'], 0)} s); {num(r['bytes_per_pixel'], 2)} bytes a pixel"
        ),
        lambda r: (
            f"load everything at once: {num(r['baseline']['peak_rss_mib'], 0)} MiB → `ratio` "
            f"**{num(r['ratio'], 2)}**; same scene graph: {yes(r['identical'])}"
        ),
        "bounded by one scale's pieces",
        lambda r: yes(r["identical"] and r["ratio"] < 1.0),
    ),
    Row(
        "chaos",
        lambda r: f"{r['jobs']} jobs, seed {r['seed']}",
        _chaos,
        lambda r: (
            f"the same batch without faults: {num(r['baseline']['seconds'], 1)} s, "
            f"{num(r['baseline']['objects'], 0)} objects, {r['baseline']['lost']} lost"
        ),
        "0 / 0 / 0 over ≥ 30 faults",
        lambda r: yes(r["lost"] == r["duplicated"] == r["stuck"] == 0 and r["faults"] >= 30),
    ),
    Row(
        "viewer",
        lambda r: f"{r['mode']}: {num(r['objects'], 0)} objects, served API, headless Chromium",
        lambda r: (
            f"one vector tile p50 {r.fig('tile_p50_ms', ' ms')}, p99 {r.fig('tile_p99_ms', ' ms')};"
            f" a view's tiles p50 **{r.fig('viewport_tiles_p50_ms', ' ms')}**; first render "
            f"{r.fig('first_render_ms', ' ms', 0)}, page load {r.fig('page_load_ms', ' ms', 0)}"
        ),
        lambda r: (
            f"the same view through GraphQL `objects`: p50 "
            f"{r.fig('baseline_graphql_p50_ms', ' ms')} → `ratio_p50` "
            f"**{num(r['ratio_p50'], 2)}**; the old page load "
            f"{num(r['baseline_old_page_load_ms'] / 1000, 1)} s"
        ),
        "none declared",
        lambda r: "–",
    ),
)

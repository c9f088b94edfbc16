/**
 * Prometheus metrics in the text exposition format (version 0.0.4), kept by hand: four metric families do
 * not need a client library, and recording one request is a few array writes on the hot path.
 */

/** Latency buckets (seconds): fine below 10 ms, where a linear model's requests live. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  requests: number;
  errors: number;
  rows: number;
  /** Cumulative only when rendered: per-bucket counts here. */
  buckets: number[];
  sum: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class Metrics {
  private series = new Map<string, Series>();
  private reloads = { ok: 0, failed: 0 };
  private readonly started = Date.now();

  /** One finished request: `model` is '' for requests that name none (health, metadata of the server). */
  observe(endpoint: string, model: string, status: number, seconds: number, rows: number): void {
    const key = `${endpoint}\u0000${model}\u0000${status}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { requests: 0, errors: 0, rows: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0 }));
    s.requests++;
    if (status >= 400) s.errors++;
    s.rows += rows;
    s.sum += seconds;
    let b = 0;
    while (b < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[b]!) b++;
    s.buckets[b]!++;
  }

  reload(ok: boolean): void {
    if (ok) this.reloads.ok++;
    else this.reloads.failed++;
  }

  render(models: { name: string; loadedAt: number }[]): string {
    const out: string[] = [];
    const rows = [...this.series.entries()].map(([k, s]) => {
      const [endpoint, model, status] = k.split('\u0000') as [string, string, string];
      return { labels: `endpoint="${escapeLabel(endpoint)}",model="${escapeLabel(model)}",code="${status}"`, s, model, endpoint };
    });
    out.push('# HELP softmax_requests_total HTTP requests answered, by endpoint, model and status code.', '# TYPE softmax_requests_total counter');
    for (const r of rows) out.push(`softmax_requests_total{${r.labels}} ${r.s.requests}`);
    out.push('# HELP softmax_request_errors_total Requests answered with a 4xx or 5xx status.', '# TYPE softmax_request_errors_total counter');
    for (const r of rows) if (r.s.errors) out.push(`softmax_request_errors_total{${r.labels}} ${r.s.errors}`);
    // Rows per model (summed over endpoints and codes).
    const perModel = new Map<string, number>();
    for (const r of rows) if (r.model) perModel.set(r.model, (perModel.get(r.model) ?? 0) + r.s.rows);
    out.push('# HELP softmax_rows_predicted_total Rows (instances) predicted, by model.', '# TYPE softmax_rows_predicted_total counter');
    for (const [m, n] of perModel) out.push(`softmax_rows_predicted_total{model="${escapeLabel(m)}"} ${n}`);
    // Latency histogram per endpoint (summed over models and codes).
    const perEndpoint = new Map<string, { buckets: number[]; sum: number; count: number }>();
    for (const r of rows) {
      let h = perEndpoint.get(r.endpoint);
      if (!h) perEndpoint.set(r.endpoint, (h = { buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
      r.s.buckets.forEach((c, i) => (h!.buckets[i]! += c));
      h.sum += r.s.sum;
      h.count += r.s.requests;
    }
    out.push('# HELP softmax_request_duration_seconds Time from request received to response ready.', '# TYPE softmax_request_duration_seconds histogram');
    for (const [e, h] of perEndpoint) {
      let cum = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cum += h.buckets[i]!;
        out.push(`softmax_request_duration_seconds_bucket{endpoint="${escapeLabel(e)}",le="${le}"} ${cum}`);
      });
      out.push(`softmax_request_duration_seconds_bucket{endpoint="${escapeLabel(e)}",le="+Inf"} ${h.count}`);
      out.push(`softmax_request_duration_seconds_sum{endpoint="${escapeLabel(e)}"} ${h.sum}`);
      out.push(`softmax_request_duration_seconds_count{endpoint="${escapeLabel(e)}"} ${h.count}`);
    }
    out.push('# HELP softmax_model_reloads_total Model reloads (SIGHUP or --watch), by result.', '# TYPE softmax_model_reloads_total counter');
    out.push(`softmax_model_reloads_total{result="ok"} ${this.reloads.ok}`, `softmax_model_reloads_total{result="failed"} ${this.reloads.failed}`);
    out.push('# HELP softmax_model_loaded_timestamp_seconds When each served model was (re)loaded.', '# TYPE softmax_model_loaded_timestamp_seconds gauge');
    for (const m of models) out.push(`softmax_model_loaded_timestamp_seconds{model="${escapeLabel(m.name)}"} ${m.loadedAt / 1000}`);
    out.push('# HELP softmax_process_start_time_seconds Start time of the server.', '# TYPE softmax_process_start_time_seconds gauge');
    out.push(`softmax_process_start_time_seconds ${this.started / 1000}`);
    return out.join('\n') + '\n';
  }
}

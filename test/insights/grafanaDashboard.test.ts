import fs from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observability/metrics';
import { projectRoot } from '../../src/paths';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { uid: string };
  targets?: { expr: string; datasource: { uid: string } }[];
}

const dashboard = JSON.parse(fs.readFileSync(path.join(projectRoot, 'docs/grafana-dashboard.json'), 'utf8')) as {
  __inputs: { name: string }[];
  uid: string;
  panels: Panel[];
};

describe('docs/grafana-dashboard.json', () => {
  it('asks for its Prometheus data source on import and every query uses it', () => {
    expect(dashboard.__inputs.map((input) => input.name)).toEqual(['DS_PROMETHEUS']);
    const queried = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(queried.length).toBeGreaterThan(10);
    for (const panel of queried) {
      expect(panel.datasource?.uid).toBe('${DS_PROMETHEUS}');
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('queries only metrics the service exports', async () => {
    const exported = new Set((await createMetrics(new Registry()).registry.getMetricsAsJSON()).map((metric) => metric.name));
    const queried = dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/\b(?:evc|process|nodejs)_[a-z0-9_]+/g) ?? []);
    const unknown = queried.map((name) => name.replace(/_(bucket|sum|count)$/, '')).filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    // Every evc_ metric of README "Metrics" is on the dashboard.
    expect([...exported].filter((name) => name.startsWith('evc_') && !queried.some((q) => q.startsWith(name)))).toEqual([]);
  });

  it('lays its panels out without overlap, with unique ids', () => {
    const panels = dashboard.panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const overlaps = (a: Panel['gridPos'], b: Panel['gridPos']) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (const [i, a] of panels.entries()) {
      expect(a.gridPos.x + a.gridPos.w).toBeLessThanOrEqual(24);
      for (const b of panels.slice(i + 1)) expect([a.title, b.title, overlaps(a.gridPos, b.gridPos)]).toEqual([a.title, b.title, false]);
    }
  });
});

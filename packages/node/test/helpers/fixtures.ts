/** Wire bodies as the backend answers them (valid against @cloudsage/schema). */
export const forecastBody = {
  id: 'f_1',
  projectId: 'p_key',
  date: '2026-01-01',
  text: 'Risk should stay low.',
  actions: ['a', 'b', 'c'],
  predicted: { score: 20, low: 10, high: 30, horizonHours: 24, series: [] },
  basis: { historyPoints: 10, historyDays: 1, method: 'damped-trend', confidence: 'low' },
  generatedBy: 'builtin',
  createdAt: '2026-01-01T00:00:00.000Z',
};

export const riskPoint = {
  id: 'r_1',
  timestamp: '2026-01-01T00:00:00.000Z',
  score: 12,
  labels: [],
  signals: { errorRate: 0.01 },
  explanations: [],
};

export const project = {
  id: 'p_key',
  name: 'shop',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

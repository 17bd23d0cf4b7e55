// Prints today's forecast for a project with @cloudsage/node's read API.
//
//   CLOUDSAGE_API_KEY=csk_... node index.mjs            # a read key: its own project
//   CLOUDSAGE_API_KEY=<jwt> CLOUDSAGE_PROJECT_ID=p_... node index.mjs
//
// CLOUDSAGE_ENDPOINT defaults to http://127.0.0.1:3001. `--json` prints the raw forecast.
import { CloudSage, CloudSageError } from '@cloudsage/node';

const apiKey = process.env.CLOUDSAGE_API_KEY;
if (!apiKey) {
  console.error('Set CLOUDSAGE_API_KEY to a read key (or a user token with CLOUDSAGE_PROJECT_ID).');
  process.exit(2);
}

const client = new CloudSage({
  endpoint: process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001',
  apiKey,
  ...(process.env.CLOUDSAGE_PROJECT_ID ? { projectId: process.env.CLOUDSAGE_PROJECT_ID } : {}),
  exitHooks: false,
});

try {
  const forecast = await client.getForecast();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(forecast, null, 2));
  } else {
    const { predicted, basis } = forecast;
    console.log(
      `Forecast for ${forecast.projectId} on ${forecast.date} (${forecast.generatedBy}, confidence ${basis.confidence})`,
    );
    console.log(
      `Next ${predicted.horizonHours} h: risk about ${Math.round(predicted.score)} (80% range ${Math.round(predicted.low)}-${Math.round(predicted.high)})`,
    );
    console.log('');
    console.log(forecast.text);
    console.log('');
    forecast.actions.forEach((action, i) => {
      console.log(`${i + 1}. ${action}`);
    });
    if (basis.notes?.length) console.log(`\nNotes: ${basis.notes.join('; ')}`);
  }
} catch (err) {
  if (err instanceof CloudSageError)
    console.error(`CloudSage answered ${err.status ?? '-'} ${err.code}: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
} finally {
  await client.shutdown({ timeoutMs: 1000 });
}

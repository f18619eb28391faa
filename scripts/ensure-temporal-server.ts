/** `npm run temporal:ensure-server`: finds or builds the Temporal server, its schema tool and the UI, and prints where they are. */
import { resolveTemporalServerTools } from '../platform/temporal-server';

resolveTemporalServerTools()
  .then((tools) => console.log(`Temporal server: ${tools.server}\nSchema tool: ${tools.sql}\nTemporal UI: ${tools.ui}`))
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });

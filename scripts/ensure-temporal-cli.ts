/** `npm run temporal:ensure`: finds or builds the Temporal CLI and prints where it is. */
import { describeCli, resolveTemporalCli } from '../platform/temporal-cli';

resolveTemporalCli()
  .then((cli) => console.log(`Temporal CLI: ${describeCli(cli)}`))
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });

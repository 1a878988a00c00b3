// Every test process applies LOG_LEVEL (and the tracing switch, off outside Lambda) the way a Lambda
// process does when its handler loads: through the composition root (functions/composition/process.ts).
import { configureProcess } from '../../functions/composition/process';

configureProcess(process.env);

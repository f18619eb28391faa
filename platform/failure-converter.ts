/**
 * Loaded by path (DataConverter.failureConverterPath) into the workflow bundle
 * and by every client and worker: failure messages and stack traces move into
 * an encoded attributes payload, which the payload codec then encrypts. A
 * failure can quote input (a validation message naming a field's value), so it
 * gets the same protection as the input itself.
 *
 * Imports nothing but @temporalio/common, so it is safe inside the sandbox.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

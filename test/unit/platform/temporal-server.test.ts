import { temporal } from '@temporalio/proto';
import { leadSearchAttributes } from '../../../workflows/search-attributes';
import { leadSearchAttributeTypes } from '../../../platform/temporal-schema';
import { temporalServerPorts } from '../../../platform/temporal-server';

describe('Temporal server set-up', () => {
  it("registers each search attribute with the operator API's code for its type", () => {
    const codes = temporal.api.enums.v1.IndexedValueType as unknown as Record<string, number>;
    expect(leadSearchAttributeTypes()).toEqual(leadSearchAttributes.map((key) => ({ name: key.name, type: codes[`INDEXED_VALUE_TYPE_${key.type}`] })));
  });

  it('lays out ten distinct ports from the frontend port, membership ports within a smallint', () => {
    const ports = temporalServerPorts(32_758);
    const all = [ports.frontend, ports.history, ports.matching, ports.worker, ...ports.membership, ports.http, ports.metrics];
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...ports.membership)).toBeLessThanOrEqual(32_767);
  });
});

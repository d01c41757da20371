import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../errors/api-error.js';
import { parseListQuery } from './list-query.js';

describe('parseListQuery', () => {
  it('reads status, kind, limit and after, with a default limit', () => {
    expect(parseListQuery({})).toEqual({ limit: 50 });
    expect(parseListQuery({ status: 'partially_accepted', kind: 'pes', limit: '1000', after: 'abc' })).toEqual({
      status: 'partially_accepted',
      kind: 'pes',
      limit: 1000,
      after: 'abc',
    });
  });

  it.each([
    [{ status: 'lost' }, 'status'],
    [{ kind: 'letter' }, 'kind'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ status: ['failed', 'sent'] }, 'status'],
  ])('refuses %p naming %s', (query, field) => {
    try {
      parseListQuery(query);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).errors).toEqual([expect.objectContaining({ code: 'REQUEST.INVALID_QUERY', field })]);
    }
  });
});

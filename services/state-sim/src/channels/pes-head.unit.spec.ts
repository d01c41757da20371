import { describe, expect, it } from '@jest/globals';
import { routingOfPesHead } from './pes-head.js';

describe('routingOfPesHead', () => {
  it('reads the P_MSG route from the EnTetePES', () => {
    const xml = '<?xml version="1.0" encoding="ISO-8859-1"?><PES_Aller><Enveloppe/><EnTetePES><DteStr V="2024-01-02"/><IdPost V="021000"/><IdColl V="21210231300013"/><CodCol V="001"/><CodBud V="01"/></EnTetePES></PES_Aller>';
    expect(routingOfPesHead(Buffer.from(xml, 'latin1'))).toBe('PES#001#021000#01');
  });

  it('leaves CodBud empty when absent, and gives nothing without IdPost or CodCol', () => {
    expect(routingOfPesHead(Buffer.from('<EnTetePES><IdPost V="021000"/><CodCol V="7"/></EnTetePES>'))).toBe('PES#7#021000#');
    expect(routingOfPesHead(Buffer.from('<EnTetePES><IdPost V="021000"/></EnTetePES>'))).toBeUndefined();
    expect(routingOfPesHead(Buffer.from('<PES_Aller/>'))).toBeUndefined();
  });
});

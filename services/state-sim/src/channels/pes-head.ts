/** How far into a PES_Aller its `EnTetePES` is looked for. */
const HEAD_BYTES = 64 * 1024;

/**
 * The `P_MSG` route (`PES#<CodCol>#<IdPost>#<CodBud>`) of a PES_Aller read from its own `EnTetePES`,
 * for deposits that come without one (SFTP has no site commands); undefined when the head holds no
 * IdPost or CodCol, which the deposit's checks then refuse.
 */
export function routingOfPesHead(head: Buffer): string | undefined {
  const text = head.subarray(0, HEAD_BYTES).toString('latin1');
  const entete = /<EnTetePES\b[\s\S]*?<\/EnTetePES>/.exec(text)?.[0];
  if (entete === undefined) return undefined;
  const value = (name: string): string | undefined => new RegExp(`<${name}\\s+V\\s*=\\s*"([^"]*)"`).exec(entete)?.[1];
  const idPost = value('IdPost');
  const codCol = value('CodCol');
  if (idPost === undefined || codCol === undefined) return undefined;
  return `PES#${codCol}#${idPost}#${value('CodBud') ?? ''}`;
}

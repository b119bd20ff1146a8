import { describe, expect, it } from 'vitest';
import { CODE, KEYWORDS, tokenize } from '../src/lexer.js';
import { SourceMap } from '../src/source.js';

describe('keyword recognition', () => {
  // keywords are found through a hash bucket; neighbours of each keyword must stay identifiers
  it('lexes every keyword as a keyword and its near misses as identifiers', () => {
    const sources = new SourceMap();
    const wrong: string[] = [];
    for (const kw of KEYWORDS) {
      for (const word of [kw, `${kw}x`, `x${kw}`, kw.slice(0, -1), `${kw}-a`].filter((w) => w.length > 0 && !w.startsWith('-'))) {
        const t = tokenize(word, sources.add('k.wit', word), sources);
        const isKeyword = t.kind[0] === CODE.keyword;
        if (t.count !== 1 || isKeyword !== KEYWORDS.has(word)) wrong.push(word);
        if (isKeyword && t.word[0] !== word) wrong.push(`${word} as ${t.word[0]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

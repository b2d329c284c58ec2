import { PorterStemmer } from 'natural/lib/natural/stemmers';
import { TfIdf } from 'natural/lib/natural/tfidf';
import type { Knowledge, KnowledgeItem } from '../content/knowledge';

export interface SearchHit {
  item: KnowledgeItem;
  /** Share of the question's weight (IDF) that the item covers, 0..1. */
  coverage: number;
}

/**
 * Finds the knowledge item that answers a free question ("can I use a screwdriver?") over stemmed
 * words of each item's title, text and the questions it is asked as, weighted by TF-IDF.
 *
 * Items are ranked by how much of the question they cover, weighting each word by its IDF, so a
 * question with a word no item knows ("how much does a charger cost?") covers little anywhere and
 * finds nothing. Ties go to the item whose title and asked-as questions cover most, then to raw
 * TF-IDF, which grows with any shared word, relevant or not.
 */
export class KnowledgeSearch {
  private readonly index = new TfIdf();
  /** Title and asked-as questions only: what each item is about. */
  private readonly about: Array<Set<string>> = [];
  private readonly items: readonly KnowledgeItem[];

  constructor(
    knowledge: Knowledge,
    private readonly minCoverage = 0.75,
  ) {
    this.items = knowledge.items;
    for (const item of this.items) {
      const about = [item.title, ...item.askedAs].join(' ');
      this.index.addDocument(PorterStemmer.tokenizeAndStem(`${about} ${item.text}`));
      this.about.push(new Set(PorterStemmer.tokenizeAndStem(about)));
    }
  }

  find(question: string): SearchHit | undefined {
    const terms = [...new Set(PorterStemmer.tokenizeAndStem(question))];
    if (terms.length === 0) return undefined;
    const weights = terms.map((term) => this.index.idf(term));
    const total = weights.reduce((sum, w) => sum + w, 0);
    const tieBreak = this.index.tfidfs(terms);
    const coverageOf = (has: (term: string) => boolean) =>
      terms.reduce((sum, term, i) => (has(term) ? sum + weights[i] : sum), 0) / total;
    const ranked = this.index.documents.map((document, index) => ({
      index,
      coverage: coverageOf((term) => Boolean(document[term])),
      aboutCoverage: coverageOf((term) => this.about[index].has(term)),
    }));
    ranked.sort((a, b) => b.coverage - a.coverage || b.aboutCoverage - a.aboutCoverage || tieBreak[b.index] - tieBreak[a.index]);
    const best = ranked[0];
    return best && best.coverage >= this.minCoverage ? { item: this.items[best.index], coverage: best.coverage } : undefined;
  }
}

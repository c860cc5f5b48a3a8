import type { Prng } from '../util/index.ts';

/** Topics and the hashtags their posts use; the first tags of each list are the common ones. */
export const TOPIC_TAGS: Readonly<Record<string, readonly string[]>> = {
  tech: ['ai', 'llm', 'opensource', 'typescript', 'nodejs', 'rust', 'gpu'],
  sports: ['football', 'nba', 'worldcup', 'tennis', 'f1', 'marathon'],
  markets: ['stocks', 'earnings', 'fed', 'crypto', 'bitcoin', 'ipo'],
  movies: ['oscars', 'netflix', 'trailer', 'boxoffice', 'anime'],
  travel: ['travel', 'wanderlust', 'beach', 'roadtrip', 'airport'],
  food: ['foodie', 'recipe', 'vegan', 'coffee', 'pizza'],
  gaming: ['gaming', 'esports', 'speedrun', 'indiegame', 'twitch'],
};

export const TOPICS = Object.keys(TOPIC_TAGS);

const SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  tech: ['the new model', 'this release', 'the keynote', 'my build', 'the update'],
  sports: ['the match', 'that goal', 'the final', 'our team', 'the referee'],
  markets: ['the market today', 'these earnings', 'the rate decision', 'my portfolio'],
  movies: ['the sequel', 'this trailer', 'the finale', 'the soundtrack'],
  travel: ['the flight', 'this hotel', 'the view', 'the old town'],
  food: ['this recipe', 'the new place downtown', 'my coffee', 'the dessert'],
  gaming: ['the patch', 'this boss fight', 'the tournament', 'the new map'],
};

const POSITIVE = [
  'is great',
  'is amazing',
  'was awesome',
  'made my day, love it',
  'is brilliant',
  'looks fantastic',
  'was a total win',
];
const NEUTRAL = ['is out', 'happened today', 'is on my list', 'is trending', 'came up again'];
const NEGATIVE = [
  'is terrible',
  'was awful',
  'is broken again',
  'is the worst, I hate it',
  'was so disappointing',
  'looks like a scam',
  'is painfully slow',
];

/** The tone of a post: the share of each in normal times. */
export type Tone = 'positive' | 'neutral' | 'negative';

export function normalTone(random: Prng): Tone {
  const u = random.next();
  return u < 0.45 ? 'positive' : u < 0.8 ? 'neutral' : 'negative';
}

/**
 * A short post: a subject of the topic, a phrase in the tone (the words are in sentiment()'s
 * lexicon, so the score follows the tone), and one to three hashtags. `trending` is a tag of the
 * topic that shows up far more often than the others for a while.
 */
export function postText(random: Prng, topic: string, tone: Tone, trending: string): string {
  const phrases = tone === 'positive' ? POSITIVE : tone === 'negative' ? NEGATIVE : NEUTRAL;
  const tags = TOPIC_TAGS[topic]!;
  const chosen = new Set<string>();
  const count = 1 + random.int(3);
  for (let i = 0; i < count; i++) {
    // Skewed towards the list's head, with the trending tag on top.
    const tag = random.chance(0.35)
      ? trending
      : tags[Math.floor(tags.length * random.next() ** 2)]!;
    chosen.add(tag);
  }
  const hashtags = [...chosen].map((tag) => `#${tag}`).join(' ');
  return `${random.pick(SUBJECTS[topic]!)} ${random.pick(phrases)} ${hashtags}`;
}

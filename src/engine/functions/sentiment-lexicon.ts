/*
 * The sentiment lexicon: written for Vane (not taken from a published lexicon), tuned for short
 * social and market posts. Valences are integers from -5 (worst) to 5 (best); a word missing here
 * is neutral. Keys are lowercase and include common inflections, since the scorer does not stem.
 * Emoticons are written lowercased (':d'); emoji without their variation selector (❤, not ❤️).
 */

const BY_VALENCE: readonly (readonly [number, string])[] = [
  [
    5,
    `superb outstanding phenomenal magnificent spectacular sensational breathtaking flawless
    masterpiece ecstatic euphoric exceptional extraordinary marvelous marvellous 🤩 😍 🥰`,
  ],
  [
    4,
    `amazing awesome excellent fantastic wonderful brilliant incredible terrific fabulous stunning
    gorgeous delightful thrilled overjoyed love loved loves loving adore adored adores lovely
    beautiful perfect perfectly impressive remarkable triumph triumphant glorious stellar
    exquisite joyful blissful mindblowing ❤ 💯 🚀 🎉 😁 😄 🙌 🏆 🥳 <3`,
  ],
  [
    3,
    `great happy happier happiest glad excited exciting enjoy enjoyed enjoying enjoys best win wins
    winning winner winners success successful succeeded proud pleased grateful thankful congrats
    congratulations yay woohoo hooray epic profitable soaring soared skyrocket skyrocketing
    delicious wonderfully beautifully fantastically celebrate celebrating celebration legendary
    favorite favourite superior 😀 😃 😊 😂 💖 💕 🎊 :d :-d xd`,
  ],
  [
    2,
    `good nice cool helpful useful solid smooth better improve improved improves
    improvement improving welcome hope hoping hopeful optimistic positive strong stronger reliable
    supportive friendly smart clever relaxed relief comfortable wow lol haha hahaha lmao
    thanks thank thx cheers won gain gains gained profit profits rally rallied surge surged
    bullish fun funny promising recommend recommended worth worthwhile fair fixed valuable
    powerful sweet satisfied satisfying rewarding upbeat charming elegant tasty gem bravo
    kudos respect healthy 🔥 👍 💪 🤑 📈 🌟 ⭐ 😎 👏 🙂 ✨ 💚 💙 🎯 ✅ :) :-) ;) ;-) =)`,
  ],
  [
    1,
    `like liked likes fast fine okay easy clean fresh safe stable calm upgrade upgraded interesting
    decent handy neat agree agreed sure ready support supported steady efficient lucky quick secure
    growth growing :p :-p 🙏 👌 😉`,
  ],
  [
    -1,
    `slow slower meh odd weird tired late expensive pricey issue issues delay delayed delays doubt
    doubtful unsure confused unclear drop dropped drops decline declined declining dip
    dipped risky concern concerned concerns hmm sigh costly messy wait waiting hype
    overpriced overrated 😕 😐 :/ :-/`,
  ],
  [
    -2,
    `bad sad poor worse wrong fail failed fails failing broken annoying annoyed disappointed
    disappointing disappointment upset unhappy worried worry worrying fear fears scared afraid
    mad stupid dumb useless pointless loss losses lose loses losing lost bearish dump dumped
    dumping selloff tank tanks problem problems bug bugs buggy glitch glitches lag laggy lagging
    error errors spam boring bored confusing lame mediocre unstable unreliable frustrating
    frustrated frustration sucks sucked ugh complain complaint complaints cry crying hurt pain
    painful sick dead rip weak weaker struggle struggling stuck junk trash refund crashy
    inaccurate misleading mess 📉 😢 😞 😔 😟 😩 😫 😤 👎 😱 🙁 ☹ 😒 🤦 :( :-( =(`,
  ],
  [
    -3,
    `hate hated hates hating angry ugly failure crash crashed crashes crashing outage outages
    plunge plunged plunging tanked tanking rekt scam scams scammed pathetic nightmare toxic
    miserable depressed depressing crisis panic died death awful worthless ridiculous garbage
    unacceptable broke liar lies lying rubbish shame shameful hostile betrayed nasty 😠 😭 💔
    :'( </3`,
  ],
  [
    -4,
    `terrible horrible worst disaster disastrous disgusting tragic tragedy furious atrocious
    dreadful abysmal horrendous appalling fraud hideous vile despise despised 😡 🤬 🤮
    >:(`,
  ],
  [-5, `catastrophic catastrophe devastating devastated horrific heartbroken apocalyptic`],
];

/** Token to valence. Building it throws on a duplicate, so a mistake fails every test at once. */
export const VALENCE: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  for (const [valence, words] of BY_VALENCE) {
    for (const word of words.split(/\s+/)) {
      if (word.length === 0) continue;
      // A word in two groups would silently take the later valence.
      if (map.has(word)) throw new Error(`sentiment lexicon lists '${word}' twice`);
      map.set(word, valence);
    }
  }
  return map;
})();

/**
 * Words that flip the valence of the tokens after them. Any token ending in "n't" negates too;
 * these are the rest, including contractions typed without the apostrophe.
 */
export const NEGATORS: ReadonlySet<string> = new Set(
  `not no never none nobody nothing neither nor nowhere cannot without hardly dont doesnt didnt
  isnt wasnt arent werent cant couldnt wont wouldnt shouldnt havent hasnt hadnt aint neednt`.split(
    /\s+/,
  ),
);

/** Words that end a negation's reach: a new clause whose sentiment stands on its own. */
export const CLAUSE_WORDS: ReadonlySet<string> = new Set(['but', 'however', 'although', 'though']);

/** Words that scale the valence of the token right after them. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ...`very really extremely so super totally absolutely incredibly highly truly completely utterly
  insanely hugely massively seriously deeply especially particularly exceptionally too most`
    .split(/\s+/)
    .map((word): [string, number] => [word, 1.5]),
  ...`slightly somewhat kinda sorta fairly barely marginally partly mildly`
    .split(/\s+/)
    .map((word): [string, number] => [word, 0.5]),
]);

import {
  AlertSchedule,
  DEFAULT_ALERT_EVERY_MS,
  EventBudget,
  spreadTimes,
  type DemoEvent,
  type EventModel,
  type ModelOptions,
} from './event-model.ts';
import { Prng } from '../util/index.ts';
import { normalTone, postText, TOPIC_TAGS, TOPICS } from './social-text.ts';

const USERS = 5_000;
/** An angry storm: how long it lasts and the share of all posts that go to its topic. */
const STORM_MS = 15_000;
const STORM_SHARE = 0.5;
/** How often each topic's trending tag changes. */
const TREND_EVERY_MS = 60_000;

/**
 * Posts on seven topics from 5,000 users (a few of them post far more than the rest). Each topic
 * has a trending hashtag that changes every minute. Every `alertEveryMs` a topic has a 15-second
 * storm of angry posts that trips `alert_negative_storm`.
 */
export class SocialModel implements EventModel {
  readonly stream = 'posts';
  private readonly random: Prng;
  private readonly budget: EventBudget;
  private readonly storms: AlertSchedule;
  private storm: { topic: string; untilMs: number } | null = null;
  private readonly trending = new Map<string, string>();
  private trendUntilMs = -Infinity;
  private lastMs: number | null = null;
  private sequence = 0;

  constructor(private readonly options: ModelOptions) {
    this.random = new Prng(options.seed);
    this.budget = new EventBudget(options.ratePerSecond);
    this.storms = new AlertSchedule(options.alertEveryMs ?? DEFAULT_ALERT_EVERY_MS, 4_000);
  }

  advance(nowMs: number): DemoEvent[] {
    const count = this.budget.take(nowMs);
    const fromMs = Math.max(this.lastMs ?? nowMs, nowMs - 1_000);
    this.lastMs = nowMs;
    if (nowMs >= this.trendUntilMs) {
      for (const topic of TOPICS) this.trending.set(topic, this.random.pick(TOPIC_TAGS[topic]!));
      this.trendUntilMs = nowMs + TREND_EVERY_MS;
    }
    if (this.storms.due(nowMs)) {
      this.storm = { topic: this.random.pick(TOPICS), untilMs: nowMs + STORM_MS };
    }
    if (this.storm !== null && nowMs >= this.storm.untilMs) this.storm = null;
    return spreadTimes(fromMs, nowMs, count).map((ts) => this.post(ts));
  }

  private post(ts: number): DemoEvent {
    const stormy = this.storm !== null && this.random.chance(STORM_SHARE);
    const topic = stormy ? this.storm!.topic : this.random.pick(TOPICS);
    const tone = stormy ? 'negative' : normalTone(this.random);
    // A power law: user 1 posts most, most users rarely.
    const user = Math.floor(USERS * this.random.next() ** 3) + 1;
    this.sequence += 1;
    return {
      post_id: `${this.options.runId}-p${this.sequence}`,
      user_id: `user-${user}`,
      topic,
      text: postText(this.random, topic, tone, this.trending.get(topic)!),
      ts,
    };
  }
}

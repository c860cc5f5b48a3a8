import {
  EventBudget,
  spreadTimes,
  type DemoEvent,
  type EventModel,
  type ModelOptions,
} from './event-model.ts';
import { Prng } from '../util/index.ts';
import { roundTo } from './round-to.ts';

const PLAYERS = 400;
const PLAYERS_PER_MATCH = 8;
/** Matches being played at once (while enough players are rested). */
const LIVE_MATCHES = 12;
const MATCH_MS: readonly [number, number] = [60_000, 180_000];
/** After a match a player rests this long: the gap ends their play session (20 s in the SQL). */
const REST_MS: readonly [number, number] = [25_000, 90_000];
const PRICES = [0.99, 1.99, 4.99, 9.99, 19.99];

interface Player {
  name: string;
  /** Relative skill: weighs how often the player kills and scores, so the leaderboard has a shape. */
  skill: number;
  restedAtMs: number;
  inMatch: boolean;
}

interface Match {
  id: string;
  players: Player[];
  endsAtMs: number;
}

/**
 * Matches of eight players from a pool of 400: kills (100 points), scores (10–50 points) and
 * purchases. Players rest between matches, so their events form sessions.
 */
export class GamingModel implements EventModel {
  readonly stream = 'game_events';
  private readonly random: Prng;
  private readonly budget: EventBudget;
  private readonly players: Player[];
  private matches: Match[] = [];
  private matchCount = 0;
  private lastMs: number | null = null;
  private sequence = 0;

  constructor(private readonly options: ModelOptions) {
    this.random = new Prng(options.seed);
    this.budget = new EventBudget(options.ratePerSecond);
    this.players = Array.from({ length: PLAYERS }, (_, i) => ({
      name: `player-${String(i + 1).padStart(3, '0')}`,
      skill: 0.5 + this.random.next() ** 2 * 2,
      restedAtMs: 0,
      inMatch: false,
    }));
  }

  advance(nowMs: number): DemoEvent[] {
    const count = this.budget.take(nowMs);
    const fromMs = Math.max(this.lastMs ?? nowMs, nowMs - 1_000);
    this.lastMs = nowMs;
    this.endMatches(nowMs);
    this.startMatches(nowMs);
    if (this.matches.length === 0) return [];
    return spreadTimes(fromMs, nowMs, count).map((ts) => this.event(ts));
  }

  private endMatches(nowMs: number): void {
    this.matches = this.matches.filter((match) => {
      if (match.endsAtMs > nowMs) return true;
      for (const player of match.players) {
        player.inMatch = false;
        player.restedAtMs = nowMs + this.random.between(REST_MS[0], REST_MS[1]);
      }
      return false;
    });
  }

  private startMatches(nowMs: number): void {
    while (this.matches.length < LIVE_MATCHES) {
      const ready = this.players.filter((player) => !player.inMatch && player.restedAtMs <= nowMs);
      if (ready.length < PLAYERS_PER_MATCH) return;
      const players: Player[] = [];
      for (let i = 0; i < PLAYERS_PER_MATCH; i++) {
        const player = ready.splice(this.random.int(ready.length), 1)[0]!;
        player.inMatch = true;
        players.push(player);
      }
      this.matchCount += 1;
      this.matches.push({
        id: `${this.options.runId}-m${this.matchCount}`,
        players,
        endsAtMs: nowMs + this.random.between(MATCH_MS[0], MATCH_MS[1]),
      });
    }
  }

  private event(ts: number): DemoEvent {
    const match = this.random.pick(this.matches);
    const player = this.weightedPlayer(match.players);
    const u = this.random.next();
    const kind = u < 0.45 ? 'kill' : u < 0.95 ? 'score' : 'purchase';
    this.sequence += 1;
    return {
      event_id: `${this.options.runId}-g${this.sequence}`,
      match_id: match.id,
      player: player.name,
      kind,
      points: kind === 'kill' ? 100 : kind === 'score' ? 10 * (1 + this.random.int(5)) : 0,
      amount: kind === 'purchase' ? roundTo(this.random.pick(PRICES), 2) : 0,
      ts,
    };
  }

  /** Better players act more often. */
  private weightedPlayer(players: readonly Player[]): Player {
    let total = 0;
    for (const player of players) total += player.skill;
    let pick = this.random.next() * total;
    for (const player of players) {
      pick -= player.skill;
      if (pick < 0) return player;
    }
    return players[players.length - 1]!;
  }
}

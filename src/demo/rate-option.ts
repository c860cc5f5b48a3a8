import { VaneError } from '../util/index.ts';
import { isUseCase, USE_CASE_INFO, type UseCase } from './use-cases.ts';

/**
 * Reads `--rate`: a plain number multiplies every use case's default rate (`--rate 0.5` halves the
 * load); `name=n` pairs, comma-separated, set use cases' rates in events per second (IoT: number
 * of devices, each reporting once a second), e.g. `stocks=500,iot=50`. Returns the rate of every
 * use case named or scaled.
 */
export function parseRateOption(text: string): Partial<Record<UseCase, number>> {
  const trimmed = text.trim();
  if (/^[0-9.]+$/.test(trimmed)) {
    const factor = positive(trimmed, text);
    const rates: Partial<Record<UseCase, number>> = {};
    for (const [useCase, info] of Object.entries(USE_CASE_INFO)) {
      rates[useCase as UseCase] = info.defaultRate * factor;
    }
    return rates;
  }
  const rates: Partial<Record<UseCase, number>> = {};
  for (const part of trimmed.split(',')) {
    const [name, value, extra] = part.split('=').map((piece) => piece.trim());
    if (name === undefined || value === undefined || extra !== undefined || !isUseCase(name)) {
      throw new VaneError(
        'INVALID_OPTION',
        `--rate '${text}': expected a multiplier (0.5) or use case rates (stocks=500,iot=50)`,
      );
    }
    rates[name] = positive(value, text);
  }
  return rates;
}

function positive(value: string, text: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || number > 100_000) {
    throw new VaneError('INVALID_OPTION', `--rate '${text}': '${value}' is not a rate above 0`);
  }
  return number;
}

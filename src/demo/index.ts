/** @module demo: the `vane demo` use cases: their SQL, event generators and the runner. */
export {
  startDemo,
  type DemoOptions,
  type RunningDemo,
  type RunningUseCase,
} from './start-demo.ts';
export {
  USE_CASES,
  USE_CASE_INFO,
  isUseCase,
  type UseCase,
  type UseCaseInfo,
} from './use-cases.ts';
export { demoSqlDir, loadDemoSql } from './demo-sql.ts';
export { demoBanner, isAlertView } from './demo-banner.ts';
export { parseRateOption } from './rate-option.ts';
export type { DemoEvent, EventModel, ModelOptions } from './event-model.ts';

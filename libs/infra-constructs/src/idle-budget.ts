import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import type { Environment } from '@relay/platform-config';

export interface IdleBudgetProps {
  env: Environment;
  /** Resource name prefix, e.g. relay-stag. */
  prefix: string;
  /** The env's alarm topic: its key and policy must let Budgets publish (Alarms' budgetAlerts). */
  alarmTopicArn: string;
}

/**
 * The env's monthly AWS Budget at the catalogue's idle figure plus its fleet's planned runs
 * (budget.idleMonthlyUsd + loadgen.plannedMonthlyUsd: stag's nightly spikes): the account's whole
 * cost, since each env is an account of its own (dev's includes its previews). It alerts the
 * alarm topic when the month's actual spend passes it, and when AWS forecasts it will.
 */
export class IdleBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: IdleBudgetProps) {
    super(scope, id);
    const { env } = props;
    if (env.kind === 'preview') throw new Error(`${env.name}: a preview's cost is the dev account's budget, not one of its own`);
    const alert = (notificationType: 'ACTUAL' | 'FORECASTED') => ({
      notificationType,
      comparisonOperator: 'GREATER_THAN',
      threshold: 100,
      thresholdType: 'PERCENTAGE',
      subscriberSnsTopicArns: [props.alarmTopicArn],
    });
    this.budget = new BudgetsBudget(this, 'budget', {
      name: `${props.prefix}-monthly`,
      budgetType: 'COST',
      limitAmount: (env.budget.idleMonthlyUsd + (env.loadgen?.plannedMonthlyUsd ?? 0)).toFixed(2),
      limitUnit: 'USD',
      timeUnit: 'MONTHLY',
      notification: [alert('ACTUAL'), alert('FORECASTED')],
    });
  }
}

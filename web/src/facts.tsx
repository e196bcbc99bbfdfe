import type { Facts } from './api';
import { fmtDateTime, label, t } from './i18n';
import { Badge, DL } from './ui';

export function FactsList({ facts }: { facts: Facts }) {
  const flags: string[] = [];
  if (facts.weapon) flags.push(t('intake.weapon'));
  if (facts.serious_injury) flags.push(t('intake.seriousInjury'));
  if (facts.online_dating) flags.push(t('intake.onlineDating'));
  if (facts.repeat_offender) flags.push(t('intake.repeatOffender'));
  const coords =
    facts.latitude !== null && facts.latitude !== undefined && facts.longitude !== null && facts.longitude !== undefined
      ? `${facts.latitude.toFixed(5)}, ${facts.longitude.toFixed(5)}`
      : '';
  return (
    <DL
      items={[
        [t('intake.offenceTime'), fmtDateTime(facts.offence_time)],
        [t('intake.place'), facts.place],
        [`${t('intake.latitude')} / ${t('intake.longitude')}`, coords],
        [t('intake.youngestAge'), facts.youngest_victim_age !== null && facts.youngest_victim_age !== undefined ? t('common.yearsOld', { n: facts.youngest_victim_age }) : ''],
        [t('intake.victimCount'), String(facts.victim_count ?? '')],
        [t('intake.offenderCount'), String(facts.offender_count ?? '')],
        [t('intake.dutyOfCare'), label('duty', facts.duty_of_care)],
        [
          t('intake.flags'),
          flags.length ? (
            <span class="flags">
              {flags.map((f) => (
                <Badge key={f} tone="neutral">
                  {f}
                </Badge>
              ))}
            </span>
          ) : (
            t('common.none')
          ),
        ],
      ]}
    />
  );
}

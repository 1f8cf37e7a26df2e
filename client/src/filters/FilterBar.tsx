import { CrimeCategoriesDocument } from '@vigil/schema';
import { useId, useMemo, useState } from 'react';
import { useGraphQL } from '../api/queries';
import { DateField } from '../forms/DateFields';
import { CATEGORIES, categoryLabel } from '../state/categories';
import { incidentFilterOf } from '../state/incidentFilter';
import { PERIOD_LABELS, type Period } from '../state/period';
import type { DarknessPick, MapState, PeriodPick } from '../state/urlState';

interface FilterBarProps {
  state: MapState;
  onState: (change: Partial<MapState>) => void;
  period: Period;
}

const DARKNESS: { value: DarknessPick; label: string }[] = [
  { value: 'ANY', label: 'Any time' },
  { value: 'DARK', label: 'After dark' },
  { value: 'LIGHT', label: 'Daylight' },
];

/**
 * The filters every layer and panel follows: period, categories, darkness, hate crime.
 * Native radios, checkboxes and date fields, so each is reachable and operable by keyboard.
 */
export function FilterBar({ state, onState, period }: FilterBarProps) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  // Incidents per category under the other filters, so the menu shows what each choice holds.
  const counts = useGraphQL(CrimeCategoriesDocument, {
    // Over the map's area, as the layers count: choosing a category maps exactly its figure.
    filter: { ...incidentFilterOf(state, period), categories: undefined, commandArea: true },
  });
  const countOf = useMemo(() => new Map(counts.data?.crimeCategories.map((c) => [c.slug, c.incidents])), [counts.data]);
  const most = Math.max(1, ...countOf.values());
  const categoriesText =
    state.categories.length === 0
      ? 'All categories'
      : state.categories.length === 1
        ? categoryLabel(state.categories[0]!)
        : `${state.categories.length} categories`;

  const toggleCategory = (slug: string, checked: boolean) => {
    const next = checked ? [...state.categories, slug] : state.categories.filter((c) => c !== slug);
    onState({ categories: CATEGORIES.map((c) => c.slug).filter((s) => next.includes(s)) });
  };

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2500);
    } catch {
      window.prompt('Copy this link to share the map as it is:', window.location.href);
    }
  };

  return (
    <form className="filter-bar" data-testid="filter-bar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="segmented" data-testid="filter-period">
        <legend className="filter-label">Period</legend>
        {(Object.keys(PERIOD_LABELS) as PeriodPick[]).map((value) => (
          <label key={value} className="segment">
            <input
              type="radio"
              name={`${id}-period`}
              value={value}
              checked={state.period === value}
              onChange={() => onState({ period: value })}
              data-testid={`period-${value}`}
            />
            <span>{PERIOD_LABELS[value]}</span>
          </label>
        ))}
      </fieldset>
      {state.period === 'custom' ? (
        <fieldset className="filter-dates">
          <legend className="visually-hidden">Custom period</legend>
          <DateField
            label="From"
            value={state.from}
            onChange={(from) => onState(from <= state.to ? { from } : { from, to: from })}
            data-testid="period-from"
          />
          <DateField
            label="to"
            value={state.to}
            onChange={(to) => onState(to >= state.from ? { to } : { to, from: to })}
            data-testid="period-to"
          />
        </fieldset>
      ) : null}

      <details className="filter-menu" data-testid="filter-categories">
        <summary>
          <span className="filter-label">Categories</span> {categoriesText}
        </summary>
        <fieldset className="filter-menu-body">
          <legend className="visually-hidden">Crime categories</legend>
          <button type="button" className="button button-small" onClick={() => onState({ categories: [] })}>
            All categories
          </button>
          {CATEGORIES.map((c) => {
            const n = countOf.get(c.slug);
            return (
              <label key={c.slug} className={`check category-choice${n === 0 ? ' category-empty' : ''}`}>
                <input
                  type="checkbox"
                  checked={state.categories.includes(c.slug)}
                  onChange={(e) => toggleCategory(c.slug, e.target.checked)}
                  data-testid={`category-${c.slug}`}
                />
                <span className="category-label">{c.label}</span>
                {n === undefined ? null : (
                  <span
                    className="category-count"
                    data-testid={`category-count-${c.slug}`}
                    title={`${n.toLocaleString('en-GB')} incidents ${period.label}`}
                  >
                    <span className="category-bar" style={{ width: `${(100 * n) / most}%` }} aria-hidden="true" />
                    {n.toLocaleString('en-GB')}
                  </span>
                )}
              </label>
            );
          })}
          <p className="filter-menu-note">Incidents {period.label}, with the light and hate-crime filters applied.</p>
        </fieldset>
      </details>

      <fieldset className="segmented" data-testid="filter-darkness">
        <legend className="filter-label">Light</legend>
        {DARKNESS.map(({ value, label }) => (
          <label key={value} className="segment">
            <input
              type="radio"
              name={`${id}-darkness`}
              value={value}
              checked={state.darkness === value}
              onChange={() => onState({ darkness: value })}
              data-testid={`darkness-${value}`}
            />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>

      <label className="check filter-hate">
        <input
          type="checkbox"
          checked={state.hateOnly}
          onChange={(e) => onState({ hateOnly: e.target.checked })}
          data-testid="filter-hate"
        />
        Hate crime only
      </label>

      <span className="filter-period-text" data-testid="period-label">
        {period.label}
      </span>
      <button type="button" className="button button-small filter-share" onClick={copyLink} data-testid="share-link">
        {copied ? 'Link copied' : 'Copy link'}
      </button>
    </form>
  );
}

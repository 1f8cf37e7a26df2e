import { PlaceSearchDocument, type PlaceSearchQuery } from '@vigil/schema';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useGraphQL } from '../api/queries';
import type { MapFocus } from './FocusMarker';

type Place = PlaceSearchQuery['places'][number];

/** Typing pauses this long before a search goes to the server. */
const DEBOUNCE_MS = 250;

/** A point found by name gets a street-level view: about 1.5 km across a laptop screen. */
export const STREET_ZOOM = 16;

export function placeFocus(place: Place): Omit<MapFocus, 'seq'> {
  const b = place.bbox;
  return {
    lat: place.latitude,
    lng: place.longitude,
    label: place.name,
    zoom: STREET_ZOOM,
    bounds: b
      ? [
          [b.south, b.west],
          [b.north, b.east],
        ]
      : undefined,
  };
}

/**
 * "Find a place": named places, wards, zones, sites and streets of the command area
 * (the `places` query): type, then Enter for the best match, or pick one from the list
 * (arrow keys or mouse); the map goes there and marks it.
 */
export function PlaceSearch({ onFocus }: { onFocus: (focus: Omit<MapFocus, 'seq'>) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(text.trim()), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);
  const enabled = search.length >= 2;
  const found = useGraphQL(PlaceSearchDocument, { search, first: 8 }, { enabled, keepPrevious: true });
  const places = enabled ? (found.data?.places ?? []) : [];
  const waiting = text.trim() !== search || found.isFetching;

  const choose = (place: Place) => {
    onFocus(placeFocus(place));
    setText(place.name);
    setOpen(false);
  };
  const list = useRef<HTMLUListElement>(null);
  const focusResult = (k: number) => list.current?.querySelectorAll<HTMLButtonElement>('button')[k]?.focus();
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      focusResult(0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const place = places[0];
      if (place && !waiting) choose(place);
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  };
  const onResultKey = (event: KeyboardEvent<HTMLButtonElement>, k: number) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = k + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) input.current?.focus();
      else focusResult(Math.min(places.length - 1, next));
    } else if (event.key === 'Escape') {
      setOpen(false);
      input.current?.focus();
    }
  };

  const showList = open && text.trim().length >= 2;
  return (
    <div className="place-search" data-testid="place-search">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Find a place
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        type="search"
        aria-describedby={`${id}-hint`}
        placeholder="Find a place, ward, site or street"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKey}
        data-testid="place-search-input"
      />
      <span id={`${id}-hint`} className="visually-hidden">
        Enter goes to the first place found; the down arrow moves through the list.
      </span>
      {showList ? (
        <ul ref={list} className="place-results" aria-label="Places found" aria-live="polite" data-testid="place-results">
          {places.map((p, k) => (
            <li key={`${p.kind}:${p.id ?? p.name}`}>
              <button type="button" onClick={() => choose(p)} onKeyDown={(e) => onResultKey(e, k)} data-testid="place-result">
                <span className="place-name">{p.name}</span>
                <span className="place-detail">{p.detail}</span>
              </button>
            </li>
          ))}
          {places.length === 0 ? (
            <li className="place-none">
              {waiting
                ? 'Searching…'
                : found.error
                  ? `Search failed: ${found.error.message}`
                  : 'No place of that name in Camden or Islington.'}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}

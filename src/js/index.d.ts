// Types for nps-widget, an in-app Net Promoter Score survey.

/**
 * A duration: "N day(s)", "N week(s)", "N month(s)" (calendar months) or a number of days; at
 * most 100 years (36500 days, 5214 weeks, 1200 months).
 */
export type Duration = `${number} ${'day' | 'days' | 'week' | 'weeks' | 'month' | 'months'}` | number;

/** A property value. */
export type PropertyValue = string | number | boolean;

/** The person answering; state and throttling are kept per `id`. */
export interface User {
  /** Stable id from your app. */
  id: string | number;
  /** E-mail address, passed through to the collector. */
  email?: string;
  /** Sign-up time: ISO 8601 date ("2025-01-15") or epoch milliseconds. Used by `throttle.firstSurveyAfter`. */
  createdAt?: string | number;
  /** Up to 50 attributes for segmenting answers. */
  properties?: Record<string, PropertyValue>;
  /**
   * Identity verification: lowercase hex HMAC-SHA256(identity secret, String(id)), computed by
   * your backend. Required by a collector started with `--identity-secret`.
   */
  hash?: string;
}

/** The account (company, workspace) the user belongs to, for account-level roll-up. */
export interface Account {
  /** Stable id from your app. */
  id: string | number;
  /** Display name. */
  name?: string;
  /** Up to 50 attributes. */
  properties?: Record<string, PropertyValue>;
}

/** What may show the survey; any one fires. */
export type Trigger =
  | { /** When the page loads (the default). */ on: 'load' }
  | { /** When your code calls `track(name)`. */ event: string }
  | { /** When the path matches the glob, checked on SPA route changes too. */ url: string }
  | { /** After this many seconds on the page: 0 to 86400. */ afterSeconds: number }
  | { /** On this user's Nth page view: 1 to 1000000. */ pageViews: number };

/** Re-survey rules. */
export interface Throttle {
  /** Wait after a prompt that was shown and answered. Default "6 months". */
  resurveyAfter?: Duration;
  /** Wait after a prompt that was dismissed or ignored. Default "6 months". */
  declineResurveyAfter?: Duration;
  /** Wait after `user.createdAt` before the first prompt. Default "30 days". */
  firstSurveyAfter?: Duration;
  /** Share of users asked, 0 to 1, sticky per user. Default 1. */
  sampleRate?: number;
}

/** Text per score category. */
export interface PerCategory {
  /** Scores 0-6. */
  detractor?: string;
  /** Scores 7-8. */
  passive?: string;
  /** Scores 9-10. */
  promoter?: string;
}

/** Overridable texts. */
export interface Texts {
  /** The question; `{product}` is replaced by the product name. */
  question?: string;
  /** Label under score 0 ("Not at all likely"). */
  lowLabel?: string;
  /** Label under score 10 ("Extremely likely"). */
  highLabel?: string;
  /** The follow-up question per category. */
  followUp?: PerCategory;
  /** Placeholder of the comment box. */
  placeholder?: string;
  /** Label of the send button. */
  send?: string;
  /** Label of the same button while the comment box is empty ("Skip"). */
  skip?: string;
  /** Thank-you message per category. */
  thankYou?: PerCategory;
}

/**
 * Text overrides for every language, plus per-language overrides keyed by the tag of a built-in
 * language ("de", "pt-BR", "zh-Hant"), which win. Any other key is an error.
 */
export type TextOverrides = Texts & { [languageTag: string]: Texts | string | PerCategory | undefined };

/** Text per CSAT score category. */
export interface CsatPerCategory {
  /** Scores 1-2. */
  unsatisfied?: string;
  /** Score 3. */
  neutral?: string;
  /** Scores 4-5. */
  satisfied?: string;
}

/** Overridable texts of a CSAT survey (the keys of {@link Texts}, its own categories). */
export interface CsatTexts {
  /** The question; `{product}` is replaced by the product name. */
  question?: string;
  /** Label under score 1 ("Very unsatisfied"). */
  lowLabel?: string;
  /** Label under score 5 ("Very satisfied"). */
  highLabel?: string;
  /** The follow-up question per category. */
  followUp?: CsatPerCategory;
  /** Placeholder of the comment box. */
  placeholder?: string;
  /** Label of the send button. */
  send?: string;
  /** Label of the same button while the comment box is empty ("Skip"). */
  skip?: string;
  /** Thank-you message per category. */
  thankYou?: CsatPerCategory;
}

/** CSAT text overrides, for every language and per language (as {@link TextOverrides}). */
export type CsatTextOverrides = CsatTexts & { [languageTag: string]: CsatTexts | string | CsatPerCategory | undefined };

/** Text per CES score category. */
export interface CesPerCategory {
  /** Scores 1-3. */
  disagree?: string;
  /** Score 4. */
  neutral?: string;
  /** Scores 5-7. */
  agree?: string;
}

/** Overridable texts of a CES survey (the keys of {@link Texts}, its own categories). */
export interface CesTexts {
  /** The question; `{product}` is replaced by the product name. */
  question?: string;
  /** Label under score 1 ("Strongly disagree"). */
  lowLabel?: string;
  /** Label under score 7 ("Strongly agree"). */
  highLabel?: string;
  /** The follow-up question per category. */
  followUp?: CesPerCategory;
  /** Placeholder of the comment box. */
  placeholder?: string;
  /** Label of the send button. */
  send?: string;
  /** Label of the same button while the comment box is empty ("Skip"). */
  skip?: string;
  /** Thank-you message per category. */
  thankYou?: CesPerCategory;
}

/** CES text overrides, for every language and per language (as {@link TextOverrides}). */
export type CesTextOverrides = CesTexts & { [languageTag: string]: CesTexts | string | CesPerCategory | undefined };

/** One `surveys` entry of kind "nps" (0-10). */
export interface NpsSurvey {
  /** The survey's id, sent with its answers: 1 to 64 of a-z, 0-9, "-" and "_". Default the kind. */
  id?: string;
  /** What the survey measures. */
  kind: 'nps';
  /** What shows the survey. Default [{ on: 'load' }]. */
  triggers?: Trigger[];
  /** Seconds to wait after a trigger before showing: 0 to 86400. Default 0. */
  delaySeconds?: number;
  /** Text overrides. */
  texts?: TextOverrides;
  /** This survey's own re-survey rules (the defaults as for NPS). */
  throttle?: Throttle;
  /** Call to action on the thank-you step for the highest category; http(s) URL only. */
  promoterCta?: { text?: string; url: string };
}

/** One `surveys` entry of kind "csat" (1-5). */
export interface CsatSurvey {
  /** The survey's id, sent with its answers: 1 to 64 of a-z, 0-9, "-" and "_". Default the kind. */
  id?: string;
  /** What the survey measures. */
  kind: 'csat';
  /** What shows the survey. Default [{ on: 'load' }]. */
  triggers?: Trigger[];
  /** Seconds to wait after a trigger before showing: 0 to 86400. Default 0. */
  delaySeconds?: number;
  /** Text overrides. */
  texts?: CsatTextOverrides;
  /** This survey's own re-survey rules (the defaults as for NPS). */
  throttle?: Throttle;
  /** Call to action on the thank-you step for the highest category; http(s) URL only. */
  promoterCta?: { text?: string; url: string };
}

/** One `surveys` entry of kind "ces" (1-7). */
export interface CesSurvey {
  /** The survey's id, sent with its answers: 1 to 64 of a-z, 0-9, "-" and "_". Default the kind. */
  id?: string;
  /** What the survey measures. */
  kind: 'ces';
  /** What shows the survey. Default [{ on: 'load' }]. */
  triggers?: Trigger[];
  /** Seconds to wait after a trigger before showing: 0 to 86400. Default 0. */
  delaySeconds?: number;
  /** Text overrides. */
  texts?: CesTextOverrides;
  /** This survey's own re-survey rules (the defaults as for NPS). */
  throttle?: Throttle;
  /** Call to action on the thank-you step for the highest category; http(s) URL only. */
  promoterCta?: { text?: string; url: string };
}

/** One survey of the `surveys` list. */
export type SurveyConfig = NpsSurvey | CsatSurvey | CesSurvey;

/** Look of the card. */
export interface Theme {
  /** Colour scheme; "auto" follows prefers-color-scheme. Default "light". */
  mode?: 'light' | 'dark' | 'auto';
  /** Accent colour "#rrggbb" for the chosen score and the Send button. */
  accent?: string;
  /** Placement. Default "bottom". */
  position?: 'bottom' | 'bottom-right' | 'bottom-left' | 'top';
  /** CSS z-index, a whole number in the 32-bit range. Default 2147483000. */
  zIndex?: number;
}

/** The `init` configuration. Unknown keys are an error naming the key. */
export interface Config {
  /** Collector URL receiving answers: absolute http(s) or a same-origin path. Required. */
  endpoint: string;
  /** Product name used in the question. Default "us". */
  product?: string;
  /** Who is answering; anonymous when absent. */
  user?: User;
  /** Account for account-level roll-up. */
  account?: Account;
  /** BCP-47 tag; default navigator.language, then "en". Falls back by primary subtag. */
  language?: string;
  /** What shows the survey. Default [{ on: 'load' }]. Not with `surveys`. */
  triggers?: Trigger[];
  /** Seconds to wait after a trigger before showing: 0 to 86400. Default 0. Not with `surveys`. */
  delaySeconds?: number;
  /** Seconds the thank-you step stays before the card closes itself: 1 to 60. Default 4. */
  thanksSeconds?: number;
  /** Re-survey rules. Not with `surveys`. */
  throttle?: Throttle;
  /** Text overrides. Not with `surveys`. */
  texts?: TextOverrides;
  /** Call to action for promoters on the thank-you step; http(s) URL only. Not with `surveys`. */
  promoterCta?: { text?: string; url: string };
  /**
   * Several surveys (NPS, CSAT, CES), 1 to 20, each with its own triggers, texts and throttle;
   * when several are due at once, the first in the list is shown. Without it, the keys above
   * describe one NPS survey with the id "nps".
   */
  surveys?: SurveyConfig[];
  /** After any survey is shown to a user, no other survey is shown to them before this. Default "14 days". */
  surveyGap?: Duration;
  /** Look of the card. */
  theme?: Theme;
  /** Collector eligibility URL asked before showing, so a user seen on another device is not asked again. */
  eligibilityEndpoint?: string;
  /** With true, nothing is stored or sent until `consent(true)`. Default false. */
  requireConsent?: boolean;
  /** Logs every decision to the console, with the reason for every "not now". Default false. */
  debug?: boolean;
  /**
   * Page mode, used by the collector's hosted survey page (email and link surveys): the first
   * survey's card is drawn at once, centred on the page, without triggers, eligibility checks,
   * close button or auto-close.
   */
  page?: PageConfig;
}

/** The hosted survey page's settings (see `Config.page`). */
export interface PageConfig {
  /** The answers' `channel`. */
  channel: 'email' | 'link';
  /** The answer's id (a UUID), with `key`: every view of one link continues one answer. */
  id?: string;
  /** The answer's key (32 to 128 characters of A-Z, a-z, 0-9, - and _), with `id`. */
  key?: string;
  /** A score chosen before the page opened, recorded as soon as the card shows. */
  score?: number;
}

/** `shown`: the card appeared. */
export interface ShownEvent { id: string; survey: string; trigger: string }
/** `score` (a score was chosen) and `response` (the final answer). */
export interface AnswerEvent {
  id: string;
  /** The survey's id. */
  survey: string;
  score: number;
  category: 'detractor' | 'passive' | 'promoter' | 'unsatisfied' | 'neutral' | 'satisfied' | 'disagree' | 'agree';
  comment: string | null;
  trigger: string;
}
/** `dismissed`: closed without a score. */
export interface DismissedEvent { id: string; survey: string }
/** `ineligible`: the survey `survey` is not shown now, and why. */
export interface IneligibleEvent { survey: string; reason: string; nextEligibleAt: string | null }
/** `error`: something failed (config, delivery). */
export interface ErrorEvent { message: string; id?: string }

/** Event names and their payloads. */
export interface SurveyEvents {
  shown: ShownEvent;
  score: AnswerEvent;
  response: AnswerEvent;
  dismissed: DismissedEvent;
  ineligible: IneligibleEvent;
  error: ErrorEvent;
}

/** The object `init` resolves to. */
export interface Survey {
  /** Sets or changes the user (after login). */
  identify(user: User): void;
  /** Fires `{ event }` triggers. */
  track(eventName: string): void;
  /**
   * Asks now if eligible: the survey `survey`, or else the first due survey; `force: true`
   * skips eligibility (testing and preview).
   */
  show(options?: { survey?: string; force?: boolean }): void;
  /** Removes the card without counting a decline. */
  hide(): void;
  /** Forgets the user (logout); queued answers are still delivered. */
  reset(): void;
  /** With `requireConsent`, grants or withdraws consent. */
  consent(granted: boolean): void;
  /** Adds an event listener. */
  on<K extends keyof SurveyEvents>(event: K, listener: (payload: SurveyEvents[K]) => void): void;
  /** Removes an event listener. */
  off<K extends keyof SurveyEvents>(event: K, listener: (payload: SurveyEvents[K]) => void): void;
  /** Removes everything the widget added to the page. */
  destroy(): void;
  /** The open card's shadow root, or null. */
  shadowRoot(): ShadowRoot | null;
}

/** Loads the widget, validates `config` and arms the triggers. Never rejects. */
export function init(config: Config): Promise<Survey>;
/** Loads the WebAssembly module (from `wasm`, a fetch already under way, if given); resolves to false when the browser refused it. */
export function start(wasm?: Promise<Response> | Response): Promise<boolean>;
/** Runs a command by name, like the script tag's `nps(name, ...args)`. */
export function nps(name: 'init', config: Config): void;
export function nps(name: 'identify', user: User): void;
export function nps(name: 'track', eventName: string): void;
export function nps(name: 'show', options?: { survey?: string; force?: boolean }): void;
export function nps(name: 'hide' | 'reset' | 'destroy'): void;
export function nps(name: 'consent', granted: boolean): void;
export function nps<K extends keyof SurveyEvents>(name: 'on' | 'off', event: K, listener: (payload: SurveyEvents[K]) => void): void;
/** The survey object. */
export const survey: Survey;

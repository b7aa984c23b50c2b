// A React app: the README's NpsSurvey component (NpsSurvey.jsx, the same code) under
// <React.StrictMode>, in React's development build (see vite.config.js), where React runs every
// effect, its cleanup and the effect again when a component mounts.
import React, { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { NpsSurvey } from './NpsSurvey.jsx';

// The host's analytics: what the component's `response` listener reports.
window.analytics = { calls: [], track: (name, payload) => window.analytics.calls.push({ name, payload }) };

// Counts how often StrictMode ran a mount effect (2 in a development build, 1 in production).
window.effectRuns = 0;
function EffectProbe() {
  useEffect(() => {
    window.effectRuns += 1;
  }, []);
  return null;
}

createRoot(document.getElementById('root')).render(
  <React.StrictMode>
    <EffectProbe />
    <NpsSurvey user={{ id: 'react-user', email: 'react@example.com' }} />
  </React.StrictMode>,
);

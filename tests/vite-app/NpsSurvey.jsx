import { useEffect } from 'react';
import { init, survey } from 'nps-widget';

export function NpsSurvey({ user }) {
  useEffect(() => {
    const onResponse = (r) => analytics.track('NPS answered', r);
    init({ endpoint: '/v1/responses', product: 'Acme', user: { id: user.id, email: user.email } });
    survey.on('response', onResponse);
    return () => {
      survey.off('response', onResponse);
      survey.destroy();
    };
  }, [user.id, user.email]);
  return null;
}

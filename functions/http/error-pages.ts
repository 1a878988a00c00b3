/**
 * The HTML error pages of the public pages (`ErrorPageRenderer`, functions/http/api.ts): people following
 * a link get a page rather than JSON, in the page's language and style, with the same status code. Apart
 * from api.ts because only the read function (the pages, and API Gateway's `$default` route) and the local
 * server use it: the functions that serve JSON alone do not carry the page strings of every language.
 */
import { renderErrorPage } from '../views/error-page';
import { PAGE_CSP } from '../views/html';
import { acceptedLanguages, pickUiLanguage } from '../views/strings';
import { baseHeaders, type ErrorPageRenderer, lowerKeys } from './api';

export const htmlErrorPage: ErrorPageRenderer = (failure, request, page) => {
  // The page's language: the one asked for, else the policy's, else the reader's browser's.
  const locale = pickUiLanguage([
    request.query?.locale,
    page.policyLocale,
    ...acceptedLanguages(lowerKeys(request.headers)['accept-language']),
  ]);
  const { error } = JSON.parse(failure.body) as { error: { message: string } };
  const body = renderErrorPage({
    status: failure.statusCode,
    message: error.message,
    locale,
    ...(page.policyId === undefined ? {} : { policyId: page.policyId }),
  });
  return {
    statusCode: failure.statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      // An error (a version not yet published) must not be kept by the CDN in front of public pages.
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-language': locale,
      ...baseHeaders,
    },
    body,
  };
};

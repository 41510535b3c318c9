/**
 * A request event as an Express app would record it: headers with a bearer token
 * and cookies, query params, a nested JSON body with a card number inside a note,
 * and user fields. About 2 KB of JSON; the bench prints its exact size.
 */
export function realisticEvent(): Record<string, unknown> {
  return {
    event_id: '01920c4e-7b7a-7c3e-9f1d-3c2b1a0f9e8d',
    timestamp: '2025-06-14T09:21:33.418Z',
    path: '/api/v1/orders/ord_8f3a2c/checkout',
    route: '/api/v1/orders/:orderId/checkout',
    method: 'POST',
    status_code: 201,
    response_time: 187,
    identifier: 'usr_01J0Q8ZK6X3V9B2N4M5P7R8S',
    service_name: 'checkout-api',
    environment: 'production',
    user_email: 'ada.lovelace@example.com',
    user_name: 'Ada Lovelace',
    user_roles: ['customer', 'beta-tester'],
    user_type: 'customer',
    tenant_id: 'tnt_acme_corp',
    ip: '203.0.113.42',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    request_id: 'req_7d1e9a4b2c6f',
    session_id: 'ses_4c2e8a1f',
    source: 'backend',
    action: 'http.request',
    query_params: { currency: 'EUR', locale: 'en-GB', promo: 'SUMMER25', access_token: 'at_9f8e7d6c5b4a3210' },
    path_params: { orderId: 'ord_8f3a2c' },
    request_body: {
      cart: {
        items: [
          { sku: 'BK-1001', title: 'Notes on the Analytical Engine', quantity: 1, unit_price_cents: 2499 },
          { sku: 'PN-2044', title: 'Fountain pen, fine nib', quantity: 2, unit_price_cents: 1850 },
          { sku: 'NB-3310', title: 'Dot-grid notebook A5', quantity: 3, unit_price_cents: 725 },
        ],
        coupon: 'SUMMER25',
        total_cents: 8374,
      },
      shipping: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        city: 'London',
        postcode: 'SW1Y 4JH',
        country: 'GB',
        phone: '+44 20 7946 0958',
      },
      payment: {
        method: 'card',
        note: 'customer read out 4111 1111 1111 1111 over the phone, exp 12/27',
        save_for_later: true,
      },
      password: 'correct horse battery staple',
      marketing_opt_in: false,
    },
    metadata: {
      headers: {
        host: 'shop.example.com',
        'content-type': 'application/json',
        accept: 'application/json, text/plain, */*',
        'accept-language': 'en-GB,en;q=0.9',
        authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMDEifQ.c2lnbmF0dXJl',
        cookie: 'sid=s%3Aabc123def456; theme=dark; _ga=GA1.2.1234567890.1718000000',
        'x-request-id': 'req_7d1e9a4b2c6f',
        'x-forwarded-for': '203.0.113.42, 10.0.0.7',
      },
      parameters: { orderId: 'ord_8f3a2c', dry_run: false },
      upstream: 'payments-service responded in 142 ms using key et_sk_live_3f9a8b7c6d5e4f3a',
    },
  }
}

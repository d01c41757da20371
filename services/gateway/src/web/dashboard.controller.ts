import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Public, Roles } from '../auth/roles.decorator.js';
import { messagePage, sendHtml, setPageHeaders } from './html.js';
import { WebAssets } from './web-assets.js';
import { WebErrorCode } from './web-error-codes.js';
import { WebPageFilter } from './web-page.filter.js';

/**
 * The web pages, signed in through the form, and their files: `GET /dashboard`, the supervisors' live
 * page (supervisor and admin), and `GET /audit`, where auditors search transmissions and read each
 * one's history with its hashes (auditor and admin). Each page is static HTML with ES modules (and
 * Chart.js) from this site only, calling the API on the session.
 */
@Controller()
@UseFilters(WebPageFilter)
export class DashboardController {
  constructor(private readonly assets: WebAssets) {}

  @Get('dashboard')
  @Roles('supervisor', 'admin')
  async page(@CurrentPrincipal() principal: Principal, @Res() response: ServerResponse): Promise<void> {
    sendHtml(response, 200, await this.assets.page('dashboard', principal.role));
  }

  @Get('audit')
  @Roles('auditor', 'admin')
  async audit(@CurrentPrincipal() principal: Principal, @Res() response: ServerResponse): Promise<void> {
    sendHtml(response, 200, await this.assets.page('audit', principal.role));
  }

  /** The collectivités' web app: submit an acte, follow the transmissions, download the stamped acte and the receipt. */
  @Get('app')
  @Roles('collectivite')
  async app(@CurrentPrincipal() principal: Principal, @Res() response: ServerResponse): Promise<void> {
    sendHtml(response, 200, await this.assets.page('app', principal.role));
  }

  /** The pages' scripts, styles and Chart.js, public (the sign-in form uses the stylesheet), revalidated by ETag. */
  @Get('dashboard/assets/:name')
  @Public()
  async asset(@Param('name') name: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const found = this.assets.get(name);
    if (found === undefined) {
      sendHtml(response, 404, messagePage('Not found', WebErrorCode.AssetNotFound, `There is no file ${name} here.`, false));
      return;
    }
    const asset = await found;
    setPageHeaders(response);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) {
      response.statusCode = 304;
      response.end();
      return;
    }
    response.setHeader('Content-Type', asset.type);
    response.setHeader('Content-Length', asset.body.byteLength.toString());
    response.statusCode = 200;
    response.end(request.method === 'HEAD' ? undefined : asset.body);
  }
}

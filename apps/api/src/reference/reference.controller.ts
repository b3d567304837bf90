import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, queryRegion, queryRegionChildren, type AnalyticsConfig } from '../../../../libs/analytics/src/index.js';
import { NotFoundError, ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { countCommunities, PRODUCT_CLASSES, type ProductClass } from '../../../../libs/reference/src/index.js';

export interface RegionView {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'community';
  parentCode: string | null;
  communities: number;
  /** The divisions directly under it, with their names (a tree is walked one level at a time). */
  children: { code: string; name: string }[];
}

@ApiTags('reference')
@ApiBearerAuth()
@Controller('v1')
export class ReferenceController {
  constructor(
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  @Get('regions/:code')
  @ApiOperation({ summary: 'A GB/T 2260 division at any level, with the number of 村/居委会 under it' })
  async region(@Param('code') code: string): Promise<RegionView> {
    if (!/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(code)) throw ValidationFailedError.field('code', 'must be a 2-, 4-, 6-, 9- or 12-digit region code');
    const [region, children] = await Promise.all([queryRegion(this.client, this.config.database, code), queryRegionChildren(this.client, this.config.database, code)]);
    if (!region) throw new NotFoundError(`there is no region ${code}`);
    return { ...region, communities: countCommunities(code), children };
  }

  @Get('regions')
  @ApiOperation({ summary: 'The provinces (the top of the region tree), with their names' })
  async provinces(): Promise<{ code: string; name: string }[]> {
    return queryRegionChildren(this.client, this.config.database, '');
  }

  @Get('product-classes')
  @ApiOperation({ summary: 'ISO 9999 / GB/T 16432 classes of assistive products' })
  productClasses(): readonly ProductClass[] {
    return PRODUCT_CLASSES;
  }
}

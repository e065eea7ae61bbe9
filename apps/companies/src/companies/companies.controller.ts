import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiPageResponse,
  Caller,
  CurrentCaller,
  Page,
  PageQuery,
  Roles,
  UseCaseRunner,
} from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { getCompany, listCompanies } from './companies.queries';
import { CompanyView } from './company.view';
import { RegisterCompany } from './register-company/register-company';
import { RegisterCompanyDto } from './register-company/register-company.dto';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly useCases: UseCaseRunner,
    private readonly registerCompany: RegisterCompany,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CompanyView })
  @Roles('admin', 'academy_admin', 'office_manager')
  register(@Body() dto: RegisterCompanyDto, @CurrentCaller() caller: Caller): Promise<CompanyView> {
    return this.useCases.run(this.registerCompany, dto.toCommand(), caller);
  }

  @Get()
  @ApiPageResponse(CompanyView)
  list(@Query() query: PageQuery): Promise<Page<CompanyView>> {
    return listCompanies(this.dataSource.manager, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CompanyView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CompanyView> {
    return getCompany(this.dataSource.manager, id);
  }
}

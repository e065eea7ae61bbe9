import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiPageResponse,
  Caller,
  CurrentCaller,
  Page,
  PageQuery,
  Role,
  Roles,
  UseCaseRunner,
} from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { getCompany, listCompanies } from './companies.queries';
import { CompanyView } from './company.view';
import { RegisterCompany } from './register-company/register-company';
import { RegisterCompanyDto } from './register-company/register-company.dto';

/** Who reads them; each sees only the rows of their scope. */
const COMPANY_READERS: Role[] = [
  'admin',
  'academy_admin',
  'office_manager',
  'school_head',
  'teacher',
  'company',
  'service',
];

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
  @Roles(...COMPANY_READERS)
  list(@Query() query: PageQuery, @CurrentCaller() caller: Caller): Promise<Page<CompanyView>> {
    return listCompanies({ manager: this.dataSource.manager, caller }, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CompanyView })
  @Roles(...COMPANY_READERS)
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<CompanyView> {
    return getCompany({ manager: this.dataSource.manager, caller }, id);
  }
}

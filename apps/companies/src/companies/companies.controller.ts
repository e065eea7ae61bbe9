import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { findByIdOr404, findPage, Page, PageQuery, Roles } from '@tremplin/platform';
import { Repository } from 'typeorm';
import { Company } from './company.entity';
import { RegisterCompany } from './register-company/register-company';
import { RegisterCompanyDto } from './register-company/register-company.dto';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(
    @InjectRepository(Company) private readonly companies: Repository<Company>,
    private readonly registerCompany: RegisterCompany,
  ) {}

  @Post()
  @Roles('admin', 'academy_admin', 'office_manager')
  register(@Body() dto: RegisterCompanyDto): Promise<Company> {
    return this.registerCompany.execute(dto);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<Company>> {
    return findPage(this.companies, query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<Company> {
    return findByIdOr404(this.companies, id, 'company');
  }
}

import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { findByIdOr404, findPage, Page, PageQuery, ProblemException, Roles } from '@tremplin/platform';
import { Repository } from 'typeorm';
import { Company } from './company.entity';
import { RegisterCompanyDto } from './register-company.dto';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(@InjectRepository(Company) private readonly companies: Repository<Company>) {}

  @Post()
  @Roles('admin', 'academy_admin', 'office_manager')
  async register(@Body() dto: RegisterCompanyDto): Promise<Company> {
    if (await this.companies.existsBy({ siret: dto.siret })) {
      throw new ProblemException(HttpStatus.CONFLICT, `A company with SIRET ${dto.siret} is already registered`, {
        errors: [{ field: 'siret', messages: ['already registered'] }],
      });
    }
    return this.companies.save(this.companies.create(dto));
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

import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { findByIdOr404, findPage, Page, PageQuery, ProblemException, Roles } from '@tremplin/platform';
import { Repository } from 'typeorm';
import { RegisterSchoolDto } from './register-school.dto';
import { School } from './school.entity';

@ApiTags('schools')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsController {
  constructor(@InjectRepository(School) private readonly schools: Repository<School>) {}

  @Post()
  @Roles('admin', 'academy_admin')
  async register(@Body() dto: RegisterSchoolDto): Promise<School> {
    if (await this.schools.existsBy({ uai: dto.uai })) {
      throw new ProblemException(HttpStatus.CONFLICT, `A school with UAI ${dto.uai} is already registered`, {
        errors: [{ field: 'uai', messages: ['already registered'] }],
      });
    }
    return this.schools.save(this.schools.create(dto));
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<School>> {
    return findPage(this.schools, query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<School> {
    return findByIdOr404(this.schools, id, 'school');
  }
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { findByIdOr404, findPage, Page, PageQuery, Roles } from '@tremplin/platform';
import { Repository } from 'typeorm';
import { RegisterSchool } from './register-school/register-school';
import { RegisterSchoolDto } from './register-school/register-school.dto';
import { School } from './school.entity';

@ApiTags('schools')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsController {
  constructor(
    @InjectRepository(School) private readonly schools: Repository<School>,
    private readonly registerSchool: RegisterSchool,
  ) {}

  @Post()
  @Roles('admin', 'academy_admin')
  register(@Body() dto: RegisterSchoolDto): Promise<School> {
    return this.registerSchool.execute(dto);
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

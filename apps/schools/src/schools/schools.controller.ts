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
import { RegisterSchool } from './register-school/register-school';
import { RegisterSchoolDto } from './register-school/register-school.dto';
import { SchoolView } from './school.view';
import { getSchool, listSchools } from './schools.queries';

@ApiTags('schools')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly useCases: UseCaseRunner,
    private readonly registerSchool: RegisterSchool,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: SchoolView })
  @Roles('admin', 'academy_admin')
  register(@Body() dto: RegisterSchoolDto, @CurrentCaller() caller: Caller): Promise<SchoolView> {
    return this.useCases.run(this.registerSchool, dto.toCommand(), caller);
  }

  @Get()
  @ApiPageResponse(SchoolView)
  list(@Query() query: PageQuery): Promise<Page<SchoolView>> {
    return listSchools(this.dataSource.manager, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SchoolView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<SchoolView> {
    return getSchool(this.dataSource.manager, id);
  }
}

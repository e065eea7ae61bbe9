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
import { RegisterSchool } from './register-school/register-school';
import { RegisterSchoolDto } from './register-school/register-school.dto';
import { SchoolView } from './school.view';
import { getSchool, listSchools } from './schools.queries';

/** Who reads them; each sees only the rows of their scope. */
const SCHOOL_READERS: Role[] = [
  'admin',
  'academy_admin',
  'office_manager',
  'school_head',
  'teacher',
  'service',
];

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
  @Roles(...SCHOOL_READERS)
  list(@Query() query: PageQuery, @CurrentCaller() caller: Caller): Promise<Page<SchoolView>> {
    return listSchools({ manager: this.dataSource.manager, caller }, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SchoolView })
  @Roles(...SCHOOL_READERS)
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<SchoolView> {
    return getSchool({ manager: this.dataSource.manager, caller }, id);
  }
}

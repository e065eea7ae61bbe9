import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiPageResponse,
  Caller,
  CurrentCaller,
  Page,
  Role,
  Roles,
  UseCaseRunner,
} from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { getOffer, listOffers, ListOffersQuery } from './offers.queries';
import { OfferView } from './offer.view';
import { PostOffer } from './post-offer/post-offer';
import { PostOfferDto } from './post-offer/post-offer.dto';
import { UpdateOffer } from './update-offer/update-offer';
import { UpdateOfferDto } from './update-offer/update-offer.dto';
import { WithdrawOffer } from './withdraw-offer/withdraw-offer';
import { WithdrawOfferDto } from './withdraw-offer/withdraw-offer.dto';

/** Who writes offers: the company's users, the academy's office managers and admins. */
const OFFER_WRITERS: Role[] = ['admin', 'academy_admin', 'office_manager', 'company'];
/** Who reads them; each sees only the rows of their scope (students: through matching). */
const OFFER_READERS: Role[] = [...OFFER_WRITERS, 'school_head', 'teacher', 'service'];

@ApiTags('offers')
@ApiBearerAuth()
@Controller('offers')
export class OffersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly useCases: UseCaseRunner,
    private readonly postOffer: PostOffer,
    private readonly updateOffer: UpdateOffer,
    private readonly withdrawOffer: WithdrawOffer,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: OfferView })
  @Roles(...OFFER_WRITERS)
  post(@Body() dto: PostOfferDto, @CurrentCaller() caller: Caller): Promise<OfferView> {
    return this.useCases.run(this.postOffer, dto.toCommand(), caller);
  }

  @Get()
  @ApiPageResponse(OfferView)
  @Roles(...OFFER_READERS)
  list(@Query() query: ListOffersQuery, @CurrentCaller() caller: Caller): Promise<Page<OfferView>> {
    return listOffers({ manager: this.dataSource.manager, caller }, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: OfferView })
  @Roles(...OFFER_READERS)
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<OfferView> {
    return getOffer({ manager: this.dataSource.manager, caller }, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: OfferView })
  @Roles(...OFFER_WRITERS)
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateOfferDto,
    @CurrentCaller() caller: Caller,
  ): Promise<OfferView> {
    return this.useCases.run(this.updateOffer, dto.toCommand(id), caller);
  }

  @Post(':id/withdrawal')
  @HttpCode(200)
  @ApiOkResponse({ type: OfferView, description: 'The offer, withdrawn' })
  @Roles(...OFFER_WRITERS)
  withdraw(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: WithdrawOfferDto,
    @CurrentCaller() caller: Caller,
  ): Promise<OfferView> {
    return this.useCases.run(this.withdrawOffer, dto.toCommand(id), caller);
  }
}
